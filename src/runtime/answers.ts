import { answerOf, type Answer } from '../pipeline/answer';
import type { UnifiedResponse } from '../pipeline/response';
import { bertMacs } from '../services/language/stage';
import type { NoteEmbedder } from '../services/memory/memory-notes';
import { macEnergyPj } from '../metrics/energy';
import { bertDims } from '../services/language/descriptor';
import type { LanguageService } from '../services/language/language-service';

/** A response with its answer in plain words (createAura's `infer`). */
export type AnsweredResponse = UnifiedResponse & { answer: Answer };

export function withAnswer(response: UnifiedResponse): AnsweredResponse {
  return { ...response, answer: answerOf(response) };
}

/** One text's embedding for memory notes, by the language model (the energy of the run is counted from its tokens). */
export function textEmbedder(language: LanguageService): NoteEmbedder {
  const dims = { ...bertDims(language), labels: 0 };
  return async (text) => {
    const [vector] = await language.embedRows([text], { truncation: true });
    const tokens = language.tokenizer.encode(text, { maxLength: language.maxLength }).ids.length;
    return { vector, energyPj: macEnergyPj(bertMacs(dims, tokens)) };
  };
}
