import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR, WorkCalendar } from './calendar';
import {
  DEFAULT_REMINDER_POLICY,
  ESCALATION_STEPS,
  dueAt,
  nextReminder,
  type ReminderPolicy,
  type ReminderStep,
  type Urgency,
} from './schedule';

const cst = (wallClock: string) => new Date(`${wallClock.replace(' ', 'T')}+08:00`);

const calendar = new WorkCalendar(DEFAULT_CALENDAR);
const sla = { normalHours: 16, urgentHours: 4 };

/** Every step a review goes through, asking after each send as a worker would. */
function chain(
  urgency: Urgency,
  assignedAt: Date,
  options: { calendar?: WorkCalendar; policy?: ReminderPolicy; sla?: typeof sla } = {},
): ReminderStep[] {
  const steps: ReminderStep[] = [];
  const sent = { remindersSent: 0, escalationsSent: 0 };
  for (;;) {
    const step = nextReminder({ calendar, policy: DEFAULT_REMINDER_POLICY, sla, ...options, urgency, assignedAt, ...sent });
    if (!step) return steps;
    steps.push(step);
    if (step.kind === 'remind') sent.remindersSent++;
    else sent.escalationsSent++;
  }
}

describe('normal drafts', () => {
  it('remind at half the SLA, every 4 working hours, three times, then escalate twice, then stop', () => {
    expect(chain('normal', cst('2026-03-02 09:00'))).toEqual([
      { kind: 'remind', n: 1, at: cst('2026-03-02 17:00') }, // 8 working hours
      { kind: 'remind', n: 2, at: cst('2026-03-03 12:00') }, // 12
      { kind: 'remind', n: 3, at: cst('2026-03-03 16:00') }, // 16
      { kind: 'escalate', step: 1, at: cst('2026-03-04 11:00') }, // 20
      { kind: 'escalate', step: 2, at: cst('2026-03-04 15:00') }, // 24
    ]);
  });

  it('return null once every escalation step has been sent', () => {
    const args = { calendar, policy: DEFAULT_REMINDER_POLICY, sla, urgency: 'normal' as const, assignedAt: cst('2026-03-02 09:00') };
    expect(nextReminder({ ...args, remindersSent: 3, escalationsSent: ESCALATION_STEPS })).toBeNull();
    expect(nextReminder({ ...args, remindersSent: 3, escalationsSent: 1 })).toEqual({
      kind: 'escalate',
      step: 2,
      at: cst('2026-03-04 15:00'),
    });
  });

  it('escalate at the next interval after a lower reminder cap', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, maxReminders: 1 };
    expect(chain('normal', cst('2026-03-02 09:00'), { policy })).toEqual([
      { kind: 'remind', n: 1, at: cst('2026-03-02 17:00') },
      { kind: 'escalate', step: 1, at: cst('2026-03-03 12:00') },
      { kind: 'escalate', step: 2, at: cst('2026-03-03 16:00') },
    ]);
  });

  it('count the make-up Saturday and skip the Spring Festival', () => {
    expect(chain('normal', cst('2026-02-13 15:00')).slice(0, 2)).toEqual([
      { kind: 'remind', n: 1, at: cst('2026-02-14 14:00') }, // Fri 2.5 h + Sat 5.5 h
      { kind: 'remind', n: 2, at: cst('2026-02-24 09:00') }, // Sat 17:30 was 11.5 h
    ]);
  });

  it('move a reminder out of quiet hours to the morning, without shifting the ones after it', () => {
    const eveningShift = new WorkCalendar({ ...DEFAULT_CALENDAR, workdayEnd: '23:00' });
    const steps = chain('normal', cst('2026-03-02 20:00'), {
      calendar: eveningShift,
      sla: { normalHours: 4, urgentHours: 4 },
    });
    expect(steps.slice(0, 2)).toEqual([
      { kind: 'remind', n: 1, at: cst('2026-03-03 07:30') }, // due 22:00
      { kind: 'remind', n: 2, at: cst('2026-03-03 11:30') }, // 3 h Monday + 3 h Tuesday
    ]);
  });

  it('are due after the SLA in working hours', () => {
    expect(dueAt({ calendar, sla, urgency: 'normal', assignedAt: cst('2026-03-02 09:00') })).toEqual(
      cst('2026-03-03 16:00'),
    );
    // 9/30 2 h, Golden Week, 10/9 9 h, 10/10 5 h.
    expect(dueAt({ calendar, sla, urgency: 'normal', assignedAt: cst('2025-09-30 15:30') })).toEqual(
      cst('2025-10-10 13:30'),
    );
  });
});

describe('urgent drafts (当日回复)', () => {
  it('remind in wall-clock hours, holidays included', () => {
    expect(chain('urgent', cst('2026-02-15 09:00'))).toEqual([
      { kind: 'remind', n: 1, at: cst('2026-02-15 11:00') },
      { kind: 'remind', n: 2, at: cst('2026-02-15 12:00') },
      { kind: 'remind', n: 3, at: cst('2026-02-15 13:00') },
      { kind: 'escalate', step: 1, at: cst('2026-02-15 14:00') },
      { kind: 'escalate', step: 2, at: cst('2026-02-15 15:00') },
    ]);
  });

  it('remind at night until the end of the day, then wait for the morning', () => {
    expect(chain('urgent', cst('2026-03-02 20:00'))).toEqual([
      { kind: 'remind', n: 1, at: cst('2026-03-02 22:00') },
      { kind: 'remind', n: 2, at: cst('2026-03-02 23:00') },
      { kind: 'remind', n: 3, at: cst('2026-03-03 07:30') }, // due 00:00
      { kind: 'escalate', step: 1, at: cst('2026-03-03 07:30') }, // due 01:00
      { kind: 'escalate', step: 2, at: cst('2026-03-03 07:30') }, // due 02:00
    ]);
  });

  it('assigned late wait for the morning from the first reminder', () => {
    const first = nextReminder({
      calendar,
      policy: DEFAULT_REMINDER_POLICY,
      sla,
      urgency: 'urgent',
      assignedAt: cst('2026-03-02 22:30'),
      remindersSent: 0,
      escalationsSent: 0,
    });
    expect(first).toEqual({ kind: 'remind', n: 1, at: cst('2026-03-03 07:30') }); // due 00:30
  });

  it('are due after the SLA in wall-clock hours, but no later than the end of the day', () => {
    expect(dueAt({ calendar, sla, urgency: 'urgent', assignedAt: cst('2026-03-02 09:00') })).toEqual(
      cst('2026-03-02 13:00'),
    );
    expect(dueAt({ calendar, sla, urgency: 'urgent', assignedAt: cst('2026-03-02 20:00') }).toISOString()).toBe(
      '2026-03-02T15:59:59.999Z',
    );
  });
});
