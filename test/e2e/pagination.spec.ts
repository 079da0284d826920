import { AppProcess, HttpResponse, expectStatus, stopAndClean } from '../support/app-process';
import { Scenario, command, scenario, startConversation } from '../support/fixtures';

/**
 * `GET /conversations` and `GET /queues/{id}/open` a page at a time (README, "Pages"): the body stays the
 * contract's array; `limit` and `cursor` page through it; `X-Total-Count` and `Link: <...>; rel="next"` say
 * how many there are and where the next page is.
 */
let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start();
});

afterAll(() => stopAndClean(app));

/** The path of the `rel="next"` link, if any. */
const nextLink = (response: HttpResponse) => /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '')?.[1];
const total = (response: HttpResponse) => Number(response.headers.get('x-total-count'));

/** Follows `rel="next"` from `path` to the end; every page's items, and the totals each page announced. */
const allPages = async (path: string, minPosition: number) => {
  const pages: any[][] = [];
  const totals: number[] = [];
  for (let next: string | undefined = path; next;) {
    const response: HttpResponse<any[]> = await app.get<any[]>(next, { minPosition });
    pages.push(expectStatus(response, 200));
    totals.push(total(response));
    next = nextLink(response);
  }
  return { pages, totals };
};

/** A pick workstream (nothing is assigned behind the test's back) with `n` live chats waiting in its queue. */
const waitingIn = async (n: number): Promise<{ s: Scenario; ids: string[]; position: number }> => {
  const s = await scenario(app, { workstream: { channel: 'live_chat', distribution: 'pick' }, agents: 1 });
  const ids: string[] = [];
  let position = 0;
  for (let i = 0; i < n; i++) {
    const started = await startConversation(app, s);
    ids.push(started.conversationId);
    position = started.position;
  }
  return { s, ids, position };
};

describe('GET /queues/{id}/open a page at a time', () => {
  it('pages through the queue in arrival order; position is the place in the whole queue', async () => {
    const { s, ids, position } = await waitingIn(7);
    const { pages, totals } = await allPages(`/queues/${s.queueId}/open?limit=3`, position);
    expect(pages.map((p) => p.map((c) => c.id))).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
    expect(pages.flat().map((c) => c.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(totals).toEqual([7, 7, 7]);
  });

  it('after the queue moves, a later page still gives each conversation its place in the whole queue', async () => {
    const { s, ids, position } = await waitingIn(5);
    const first = await app.get<any[]>(`/queues/${s.queueId}/open?limit=2`, { minPosition: position });
    expect(expectStatus(first, 200).map((c) => c.id)).toEqual(ids.slice(0, 2));
    // The oldest is picked: everyone behind it moves up one place.
    const picked = await command(app, ids[0], 'pick', s.agentIds[0]);
    const second = await app.get<any[]>(nextLink(first)!, { minPosition: picked.position });
    expect(expectStatus(second, 200).map((c) => [c.id, c.position])).toEqual([
      [ids[2], 2],
      [ids[3], 3],
    ]);
    expect(total(second)).toBe(4);
  });

  it('the last page has no next link; a queue that fits one page has none at all', async () => {
    const { s, position } = await waitingIn(2);
    const response = await app.get<any[]>(`/queues/${s.queueId}/open?limit=2`, { minPosition: position });
    expect(expectStatus(response, 200)).toHaveLength(2);
    expect(response.headers.get('link')).toBeNull();
    expect(total(response)).toBe(2);
  });
});

describe('GET /conversations a page at a time', () => {
  it('pages through every match, with the filters kept in the next link', async () => {
    const { s, ids } = await waitingIn(5);
    const picked = await command(app, ids[1], 'pick', s.agentIds[0]);
    const open = await allPages(`/conversations?queueId=${s.queueId}&statusReason=open&limit=2`, picked.position);
    expect(open.pages.flat().map((c) => c.id)).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    expect(open.pages.map((p) => p.length)).toEqual([2, 2]);
    expect(open.totals).toEqual([4, 4]);
    const all = await allPages(`/conversations?queueId=${s.queueId}&limit=3`, picked.position);
    expect(all.pages.flat().map((c) => c.id)).toEqual(ids);
    expect(all.totals).toEqual([5, 5]);
    const mine = await app.get<any[]>(`/conversations?agentId=${s.agentIds[0]}&limit=1`);
    expect(expectStatus(mine, 200).map((c) => c.id)).toEqual([ids[1]]);
    expect(total(mine)).toBe(1);
  });

  it('answers at most 100 without a limit, and says where the rest is', async () => {
    const { s, ids, position } = await waitingIn(101);
    const response = await app.get<any[]>(`/conversations?queueId=${s.queueId}`, { minPosition: position });
    expect(expectStatus(response, 200).map((c) => c.id)).toEqual(ids.slice(0, 100));
    expect(total(response)).toBe(101);
    const rest = await app.get<any[]>(nextLink(response)!);
    expect(expectStatus(rest, 200).map((c) => c.id)).toEqual([ids[100]]);
  });
});

describe('bad paging parameters: 400 naming the parameter, on both lists', () => {
  it.each([
    ['limit', 'limit=0'],
    ['limit', 'limit=1001'],
    ['limit', 'limit=ten'],
    ['limit', 'limit=2.5'],
    ['cursor', 'cursor=abc'],
    ['cursor', 'cursor=-1'],
  ])('%s: %s', async (field, query) => {
    const { s } = await waitingIn(0);
    for (const path of [`/conversations?${query}`, `/queues/${s.queueId}/open?${query}`]) {
      const response = await app.get(path);
      expect({ path, status: response.status, body: response.body }).toMatchObject({
        path,
        status: 400,
        body: { statusCode: 400, message: expect.stringContaining(field), field },
      });
    }
  });
});
