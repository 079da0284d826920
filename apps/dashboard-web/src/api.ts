import { $ } from './dom';
import { state } from './state';

/** Access: a bearer token when the service asks for one (docs/security.md), kept for the browser tab. */

export const TOKEN_KEY = 'omnichannel.bearerToken';
export const bearer = sessionStorage.getItem(TOKEN_KEY);

/** The service refused the token (or its absence): the sign-in form is showing, nothing more is loaded. */
export class AccessRefused extends Error {}

/** Replaces the data with the sign-in form, saying why. */
export const askForToken = (reason: string) => {
  state.stream?.abort();
  $('main').hidden = true;
  $('#signin').hidden = false;
  $('#signin-reason').textContent = reason;
  $('#connection').dataset.state = 'signed-out';
  $('#connection').textContent = bearer ? 'token refused' : 'signed out';
};

/** Why a 401 or 403 refused the request, in the supervisor's words. */
const refusal = async (response: Response): Promise<string> => {
  if (response.status === 403) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    return `This token may not see this page${body.message ? ` (${body.message})` : ''}.`;
  }
  if (!bearer) return 'The service needs a bearer token with the supervisor role.';
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  return `The token was refused${body.message ? ` (${body.message})` : ''}; paste another.`;
};

/** fetch with the bearer token; a refusal shows the sign-in form and throws AccessRefused. */
export const authorizedFetch = async (path: string, init: RequestInit = {}): Promise<Response> => {
  const headers = new Headers(init.headers);
  if (bearer) headers.set('authorization', `Bearer ${bearer}`);
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401 || response.status === 403) {
    askForToken(await refusal(response));
    throw new AccessRefused(`${path}: ${response.status}`);
  }
  return response;
};

export const getJson = async <T>(path: string): Promise<T> => {
  const response = await authorizedFetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
};

/** Runs `load` once at a time; a call while one runs makes exactly one more run after it. */
export const serialized = (load: () => Promise<void>) => {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = load()
      .catch((error) => {
        if (!(error instanceof AccessRefused)) console.warn(error);
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void run();
        }
      });
    return running;
  };
  return run;
};

/** What a supervisor's action answered: the body either way, so that a refusal can be shown where it happened. */
export interface ActionAnswer {
  ok: boolean;
  status: number;
  body: { message?: string; statusReason?: string; [field: string]: unknown };
}

/**
 * A supervisor's action (POST or PUT with a JSON body). Only a 401 shows the sign-in form: a 403 here names a
 * permission the token lacks, which the page shows beside the action instead of signing the supervisor out.
 */
export const sendAction = async (method: 'POST' | 'PUT', path: string, body: object): Promise<ActionAnswer> => {
  const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
  if (bearer) headers.set('authorization', `Bearer ${bearer}`);
  const response = await fetch(path, { method, headers, body: JSON.stringify(body) });
  if (response.status === 401) askForToken(await refusal(response));
  const answer = (await response.json().catch(() => ({}))) as ActionAnswer['body'];
  return { ok: response.ok, status: response.status, body: answer };
};
