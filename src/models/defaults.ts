/**
 * The default models, by name: each is a folder `public/models/<name>/` shipped in the package and
 * found through `modelUrl(name, file)` (src/models/locate.ts). Changing a default is one line here.
 */

/** The language service's default BERT (Hugging Face layout). */
export const DEFAULT_LANGUAGE_MODEL = 'aura-bert-tiny';
/** Its ONNX file within the folder. */
export const DEFAULT_LANGUAGE_MODEL_FILE = 'model.onnx';
