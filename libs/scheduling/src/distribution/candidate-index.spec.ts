/**
 * The indexed choice the distributor uses (CandidateIndex, domain) against the rule it serves (chooseAgent), on
 * seeded random agents and conversations, and along random sequences of assignments, presence and capacity
 * changes.
 * A failure names its seed; rerun it alone with CANDIDATE_INDEX_SEEDS=<seed>.
 */
import { Random, seedsFrom } from '#command-handling/testing';
import { AgentState, Candidate, CandidateIndex, ConversationState, Presence, chooseAgent, routable } from '#domain';

const SEEDS = seedsFrom('CANDIDATE_INDEX_SEEDS', [1, 2, 3, 42, 1337, 2026, 31337, 987654321]);
const QUEUES = ['q1', 'q2', 'q3'];
const PRESENCES: Presence[] = ['available', 'available', 'available', 'busy', 'away', 'offline'];

/** Ids that sort differently by code point and by locale (case, punctuation), to pin the tie-break. */
const agentId = (rng: Random, i: number) => `${rng.pick(['a', 'A', 'b', 'B', 'a-', 'a.', 'a_'])}${i}`;

const randomAgent = (rng: Random, id: string): Candidate => {
  const capacityUnits = rng.int(0, 6);
  const holds: AgentState['holds'] = {};
  for (let h = rng.int(0, 3); h > 0; h--) {
    const conversationId = `held-${id}-${h}`;
    holds[conversationId] = { conversationId, units: rng.int(1, 3), reason: rng.pick(['active', 'wrap_up'] as const) };
  }
  const queueIds = QUEUES.filter(() => rng.chance(0.6));
  return {
    agent: { id, name: id, capacityUnits, queueIds, presence: rng.pick(PRESENCES), holds },
    // Few distinct positions, so ties in round-robin order (and then by id) are common.
    lastAssignedPosition: rng.chance(0.3) ? 0 : rng.int(1, 5) * 10,
  };
};

const randomConversation = (rng: Random, n: number, agentIds: string[]): ConversationState =>
  ({
    id: `c${n}`,
    queueId: rng.pick(QUEUES),
    settings: { capacityUnits: rng.int(1, 4), keepSameAgent: rng.chance(0.3) },
    lastPrimaryAgentId: agentIds.length && rng.chance(0.5) ? rng.pick(agentIds) : undefined,
    declinedBy: agentIds.filter(() => rng.chance(0.1)),
  }) as unknown as ConversationState;

describe('the candidate index chooses as chooseAgent does', () => {
  it.each(SEEDS)('seed %i: random agents, one conversation at a time', (seed) => {
    const rng = new Random(seed);
    for (let round = 0; round < 200; round++) {
      const ids = Array.from({ length: rng.int(0, 30) }, (_, i) => agentId(rng, i));
      const candidates = ids.map((id) => randomAgent(rng, id));
      const index = new CandidateIndex();
      for (const c of rng.shuffle(candidates)) index.put(c);
      for (let n = 0; n < 20; n++) {
        const conversation = randomConversation(rng, n, ids);
        expect({ seed, round, n, chosen: index.choose(routable(conversation)) }).toEqual({
          seed,
          round,
          n,
          chosen: chooseAgent(conversation, candidates),
        });
      }
    }
  });

  it.each(SEEDS)(
    'seed %i: along assignments, presence and capacity changes, as a distribution pass folds them',
    (seed) => {
      const rng = new Random(seed);
      const ids = Array.from({ length: 60 }, (_, i) => agentId(rng, i));
      const candidates = new Map(ids.map((id) => [id, randomAgent(rng, id)]));
      const index = new CandidateIndex();
      for (const c of candidates.values()) index.put(c);
      let position = 100;
      let chosenSome = 0;
      for (let step = 0; step < 2000; step++) {
        const conversation = randomConversation(rng, step, ids);
        const expected = chooseAgent(conversation, [...candidates.values()]);
        expect({ seed, step, chosen: index.choose(routable(conversation)) }).toEqual({ seed, step, chosen: expected });
        const changed = expected ?? rng.pick(ids);
        const { agent } = candidates.get(changed)!;
        let next: Candidate;
        if (expected) {
          chosenSome++;
          const hold = {
            conversationId: conversation.id,
            units: conversation.settings.capacityUnits,
            reason: 'active' as const,
          };
          next = {
            agent: { ...agent, holds: { ...agent.holds, [conversation.id]: hold } },
            lastAssignedPosition: ++position,
          };
        } else if (rng.chance(0.5)) {
          next = { ...candidates.get(changed)!, agent: { ...agent, presence: rng.pick(PRESENCES) } };
        } else {
          const [released] = Object.keys(agent.holds);
          const { [released]: _, ...holds } = agent.holds;
          next = { ...candidates.get(changed)!, agent: { ...agent, holds, capacityUnits: rng.int(0, 6) } };
        }
        candidates.set(changed, next);
        index.put(next);
      }
      // Not vacuous: many conversations found an agent.
      expect(chosenSome).toBeGreaterThan(100);
    },
  );
});
