/**
 * Time for pcmshare: one {@link pcmshare.core.api.clock.Clock} abstraction with a
 * monotonic high-resolution clock for real runs, a {@link pcmshare.core.api.clock.ManualClock}
 * that tests and benchmarks advance by hand, and skewed views (ppm) that model
 * sound-card crystals that are not quite on frequency.
 */
@Export
@Version("1.1.0")
package pcmshare.core.api.clock;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
