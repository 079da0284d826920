/** Who caused a change: recorded with every event for the audit trail. */
export type ActorKind = 'agent' | 'customer' | 'channel' | 'system';

export interface Actor {
  kind: ActorKind;
  id: string;
}
