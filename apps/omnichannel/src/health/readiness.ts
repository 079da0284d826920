import { Injectable } from '@nestjs/common';

export interface ComponentHealth {
  healthy: boolean;
  detail?: string;
}

/** Start-up sets `ready` once read models have caught up; adapters (Kafka, stores) report their own health. */
@Injectable()
export class Readiness {
  ready = false;
  /** Set when a clean shutdown begins: orchestrators stop sending traffic while in-flight work finishes. */
  stopping = false;
  private readonly probes = new Map<string, () => ComponentHealth>();

  register(name: string, probe: () => ComponentHealth): void {
    this.probes.set(name, probe);
  }

  components(): Record<string, ComponentHealth> {
    return Object.fromEntries([...this.probes].map(([name, probe]) => [name, probe()]));
  }
}
