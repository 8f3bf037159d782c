// The LNN service's public API (ncps CfC / LTC on WebGPU with FORCE adaptation).
export { LnnService, type LnnServiceOptions, type LnnInferRequest, type LnnInferResult, type LnnAdaptRequest, type LnnAdaptResult, type LnnAdaptSet, type LnnFeedbackRequest, type LnnTiming } from './service';
export { createLnnDefaultModel } from './model';
export { LnnUnknownSessionError, LnnSessionLimitError, LnnModelFormatError, LnnUnsupportedError } from './errors';
export { createCfcModel, createWiredCfcModel, createLtcModel, type CfcOptions, type LtcOptions } from './model';
export { type LnnModel, type CfcModel, type LtcModel, type CfcMode, type LnnActivation } from '../../kernels/lnn-model';
export { fullyConnectedWiring, autoNcpWiring, autoNcpShape, wiringFromConfig, wiringToConfig } from './wirings';
export { type LnnWiring } from '../../kernels/lnn-model';
export { loadNcpsModel, loadNcpsSafetensors, exportNcpsModel, type NcpsModelFile } from './ncps-format';
export { parseSafetensors } from './safetensors';
export { cfcSequenceCpu, type LnnSequenceResult } from './cfc-cpu';
export { ltcSequenceCpu } from './ltc-cpu';
export { lnnSequenceGpu } from './gpu-model';
export { lnnDynamics, type LnnDynamics } from './dynamics';
export { loadDefaultLnnModel, defaultLnnModelUrl } from './default-model';
