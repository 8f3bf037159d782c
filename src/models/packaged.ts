import { InvalidInputError, ModelLoadError } from '../errors';

/**
 * The URL of a model file shipped in the package: `public/models/<name>/<file>`.
 *
 * This file sits two folders below the package root, as the built library does (`dist/lib/`), so the
 * same relative URL is right in the sources and in the build. The library build leaves these
 * `new URL(…, import.meta.url)` expressions as they are (vite.config.ts), so that:
 * - a consumer's Vite (or another bundler that rewrites them) copies every file of
 *   `public/models/*` into its build and puts the URL of the copy here;
 * - Node reads the file from the installed package;
 * - a page that loads the library unbundled (an import map) fetches it next to the package.
 * Vite turns a template into a one-level glob, so the files directly in the folder have one expression,
 * and the int8 weights (the only ONNX file shipped) their own.
 */
export function packagedModelUrl(name: string, file: string): URL {
  const parts = file.split('/');
  let url: URL;
  if (parts.length === 1) url = new URL(`../../public/models/${name}/${parts[0]}`, import.meta.url);
  // Only the int8 weights ship (package.json `files`), and a bundler copies only what an expression names.
  else if (file === 'onnx/model_quantized.onnx') url = new URL(`../../public/models/${name}/onnx/model_quantized.onnx`, import.meta.url);
  else if (parts.length === 2 && parts[0] === 'onnx') {
    throw new ModelLoadError(`the package ships only the int8 weights of its models (onnx/model_quantized.onnx), not ${file}`, "load dtype 'q8' (the default), or set env.modelBase to a copy of the model folder that has this file");
  }
  else throw new InvalidInputError(`model file '${file}' is neither in the model's folder nor in its onnx/ subfolder`, "use 'tokenizer.json', 'onnx/model.onnx' and the like");
  return url;
}
