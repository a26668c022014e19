package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.testing.SampleModels;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The device decision on a CPU machine with the CPU build of ONNX Runtime, as CI has. */
class DeviceChoiceTest {
    @Test
    void cpuIgnoresAssignedGpus() {
        assertThat(DeviceChoice.choose(Device.CPU, 2, List.of("0"), true))
                .isEqualTo(new DeviceChoice(SessionSettings.cpu(2), Optional.empty()));
    }

    @Test
    void cudaUsesTheFirstGpuSparkAssignedToTheTask() {
        DeviceChoice choice = DeviceChoice.choose(Device.CUDA, 1, List.of("3", "5"), true);
        assertThat(choice.settings()).isEqualTo(new SessionSettings(1, Device.CUDA, 3));
        assertThat(choice.fallback()).isEmpty();
    }

    @Test
    void cudaWithoutAnAssignedGpuIsAnErrorSayingWhatToConfigure() {
        assertThatThrownBy(() -> DeviceChoice.choose(Device.CUDA, 1, List.of(), true))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("no GPU was assigned to the task")
                .hasMessageContaining("spark.task.resource.gpu.amount");
    }

    @Test
    void cudaWithoutTheCudaProviderIsAnErrorNotAFallback() {
        assertThatThrownBy(() -> DeviceChoice.choose(Device.CUDA, 1, List.of("0"), false))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no CUDA execution provider")
                .hasMessageContaining("-Pgpu");
    }

    @Test
    void autoFallsBackToTheCpuAndSaysWhy() {
        assertThat(DeviceChoice.choose(Device.AUTO, 1, List.of(), true).fallback())
                .contains("no GPU was assigned to the task");
        DeviceChoice noProvider = DeviceChoice.choose(Device.AUTO, 1, List.of("0"), false);
        assertThat(noProvider.settings()).isEqualTo(SessionSettings.cpu(1));
        assertThat(noProvider.fallback()).contains("GPU 0 was assigned but this ONNX Runtime build has no CUDA"
                + " execution provider");
    }

    @Test
    void autoUsesTheGpuWhenOneIsAssignedAndUsable() {
        assertThat(DeviceChoice.choose(Device.AUTO, 1, List.of("1"), true).settings())
                .isEqualTo(new SessionSettings(1, Device.CUDA, 1));
    }

    @Test
    void aGpuAddressThatIsNotAnOrdinalIsRefused() {
        assertThatThrownBy(() -> DeviceChoice.choose(Device.CUDA, 1, List.of("GPU-1f2e"), true))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("GPU address 'GPU-1f2e'");
    }

    @Test
    void theCpuBuildHasNoCudaProvider() {
        assertThat(DeviceChoice.cudaAvailable()).isFalse();
    }

    @Test
    void openingACudaSessionWithoutTheGpuBuildFailsLoudlyAsAnExternalError() {
        byte[] model = SampleModels.bytes(SampleModels.LOGREG);
        assertThatThrownBy(() -> OnnxModel.open("logreg", model, new SessionSettings(1, Device.CUDA, 0)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Cannot start the CUDA execution provider on GPU 0")
                .satisfies(e -> assertThat(((ModelLoadException) e).fault()).isEqualTo(Fault.EXTERNAL));
    }
}
