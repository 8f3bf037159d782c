// Public API of the neuromorphic (spiking network) service.
export { NeuromorphicService, defaultNeuromorphicNetwork, SNN_MAX_TIME_STEPS, SNN_MAX_BATCH, SNN_MAX_DIRECT_INPUT, type NeuromorphicOptions, type NeuromorphicRequest, type NeuromorphicResponse } from './service';
export { createFeedForwardSnn, cloneSnnNetwork, validateSnnNetwork, snnFanout, type SnnNetwork, type SnnLayer, type SnnReadout, type FeedForwardSpec } from './network';
export { createReservoir, fitSnnReadout, spectralRadiusByPowerIteration, type ReservoirSpec } from './reservoir';
export { classifyOutputs, validateSnnClassifier, type SnnClassifier, type SnnClassAnswer } from './classifier';
export { loadDefaultSnnClassifier, defaultSnnModelUrl, SNN_DIGITS_TIME_STEPS } from './default-model';
export { encodeSnnWeights, decodeSnnWeights, SNN_WEIGHTS_MAGIC } from './weights-file';
export { snnEnergyPj, SNN_E_AC_PJ, SNN_E_MAC_PJ, type SnnEnergyModel } from '../../metrics/energy';
export { SnnModelError, SnnEncodingRangeError, SnnResidentLearningError } from './errors';
export { runSnnCpu, type SnnRunRaw, type SnnRunRequest } from './run-cpu';
export { SnnGpuRunner, type SnnResidentInput, type SnnGpuRunRequest } from './run-gpu';
export { snnUniform, snnPcgHash, SnnRandom } from '../../kernels/snn-rng';
export { encodeStepCpu, encodeStep, encoderParams, SNN_WORKGROUP_SIZE, type SnnEncoding, type SnnEncodingKind } from '../../kernels/snn-encode';
export { lifStepCpu, lifStep, lifKernelParams, adaptStepCpu, adaptStep, initialAdaptState, SNN_STATE_PLANES, type SnnNeuron, type LifKernelParams } from '../../kernels/snn-lif';
export { synapseCpu, denseSynapseStep, eventSynapseSteps, transposeSnnWeights } from '../../kernels/snn-synapse';
export { stdpParams, stdpStepCpu, stdpApplyCpu, type StdpOptions } from '../../kernels/snn-stdp';
export { emptySnnCounts, createSnnCounters, readSnnCounters, resetSnnCounters, snnTickStep, snnCountStep, type SnnCounts } from '../../kernels/snn-counters';
export { shapeSeriesCpu, shapeSeriesGpu, seriesShapeStep, SERIES_SHAPE_MAX_LENGTH, type ShapedSeriesTensor } from '../../kernels/series-shape';
export { snnInputCheckStep, type SnnInputFault } from '../../kernels/snn-input-check';
