/** Who, as a supervisor, ordered a command and why: recorded in the events it decides (the audit trail). */
export interface SupervisorAction {
  supervisorId: string;
  reason?: string;
}
