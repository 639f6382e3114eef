package org.example.wavfile.itest;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

import pcmshare.driver.kit.DriverConformance;

/** The WAV file card passes pcmshare's driver conformance kit: one test per rule. */
class WavFileConformanceTest {

    @TestFactory
    Stream<DynamicTest> wavFileCardConforms() {
        BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
        return DriverConformance.forCard("WavFile").context(context).build().dynamicTests();
    }
}
