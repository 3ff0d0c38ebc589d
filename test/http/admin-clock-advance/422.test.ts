import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ManualClock } from '../../support/manual-clock.js';

const START_MS = 1_800_000_000_000;
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock: new ManualClock(START_MS) });
});
afterAll(() => parley.close());

const invalid = (errors: Record<string, string[]>) => ({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });

describe('POST /admin/v1/clock/advance -> 422', () => {
  it.each([
    [{}, { seconds: ['The seconds field is required when to is not present.'] }],
    [{ seconds: 10, to: 1_900_000_000 }, { seconds: ['The seconds field prohibits to from being present.'] }],
    [{ seconds: 0 }, { seconds: ['The seconds field must be at least 1.'] }],
    [{ seconds: -5 }, { seconds: ['The seconds field must be at least 1.'] }],
    [{ seconds: 1.5 }, { seconds: ['The seconds field must be an integer.'] }],
    [{ seconds: '60' }, { seconds: ['The seconds field must be an integer.'] }],
    [{ seconds: 400_000_000 }, { seconds: ['The seconds field must not be greater than 316224000.'] }],
    [{ to: 1_800_000_000 }, { to: ['The to field must be a date after now (1800000000): the clock only moves forward.'] }],
    [{ to: 1_700_000_000 }, { to: ['The to field must be a date after now (1800000000): the clock only moves forward.'] }],
  ])('refuses %j and leaves the clock where it was', async (body, errors) => {
    const res = await parley.admin.post('/admin/v1/clock/advance', body);
    expect(res.status, res.text).toBe(422);
    expect(res.body).toEqual(invalid(errors));
    expect((await parley.admin.get('/admin/v1/clock')).body.data.now_ms).toBe(START_MS);
  });
});
