/**
 * The default models, by name: each is a folder `public/models/<name>/` shipped in the package and
 * found through `modelUrl(name, file)` (src/models/locate.ts). Changing a default is one line here.
 */

/** The language service's default BERT (Hugging Face layout): trained on SpamAssassin, ham/spam. */
export const DEFAULT_LANGUAGE_MODEL = 'aura-bert-spam';
/** Its ONNX file loaded by default on the CPU path (dtype 'q8', the int8 dynamic quantization). */
export const DEFAULT_LANGUAGE_MODEL_FILE = 'onnx/model_quantized.onnx';
