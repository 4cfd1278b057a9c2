import { type SubjectState, subjectIdOf } from '../domain/types';
import { getState } from '../store/subject-state-repository';

/** The state of a container we commissioned, or undefined when the SSCC names none. */
export const lookupContainer = async (sscc: string): Promise<SubjectState | undefined> => {
  const state = (await getState(subjectIdOf({ kind: 'container', sscc })))?.state;
  return state === undefined || state.ref.kind !== 'container' || state.commissioned === undefined ? undefined : state;
};
