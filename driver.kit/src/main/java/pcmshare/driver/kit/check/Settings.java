package pcmshare.driver.kit.check;

import org.osgi.framework.BundleContext;

import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.driver.kit.CardRemover;

/** What the kit was pointed at; nullable fields have defaults that {@link Checks} finds. */
public record Settings(String cardId, BundleContext context, PcmCore core, CardRemover remover, HwParams params,
        long measureNanos, long serviceTimeoutNanos) {
}
