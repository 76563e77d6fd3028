import { describe, expect, it } from 'vitest';
import { ServingState } from './serving-state';

describe('ServingState', () => {
  it('says why no new client is taken: not started, then draining, then at capacity', () => {
    let connections = 0;
    const serving = new ServingState(() => connections, 2);
    expect(serving.refusing()).toBe('not started');
    expect(serving.refusingUpgrades()).toBeNull(); // upgrades are taken once listening
    serving.started = true;
    expect(serving.refusing()).toBeNull();
    connections = 2;
    expect(serving.refusing()).toBe('at capacity');
    expect(serving.refusingUpgrades()).toBeNull(); // the upgrade path counts capacity itself
    serving.draining = true;
    expect(serving.refusing()).toBe('this instance is draining');
    expect(serving.refusingUpgrades()).toBe('this instance is draining');
  });
});
