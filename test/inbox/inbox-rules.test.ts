import { describe, expect, it } from 'vitest';
import { reportStatusFor } from '#shared/counterfeit-reports/domain/reports';
import { checkMove, INBOX_STATUSES, inboxAreasOf, regulatorMaySee, regulatorScopeOf } from '#shared/inbox/inbox';

describe('inbox moves', () => {
  const allowed = new Set(['new→investigating', 'investigating→closed', 'closed→investigating']);
  for (const from of INBOX_STATUSES) {
    for (const to of INBOX_STATUSES) {
      const name = `${from}→${to}`;
      it(`${name} is ${allowed.has(name) ? 'allowed' : 'refused'}`, () => {
        expect(checkMove(from, to, 'checked the shop').ok).toBe(allowed.has(name));
      });
    }
  }

  it('closing and reopening need a note; starting an investigation does not', () => {
    expect(checkMove('investigating', 'closed', undefined)).toEqual({ ok: false, reason: 'note_required' });
    expect(checkMove('investigating', 'closed', '  ')).toEqual({ ok: false, reason: 'note_required' });
    expect(checkMove('closed', 'investigating', undefined)).toEqual({ ok: false, reason: 'note_required' });
    expect(checkMove('new', 'investigating', undefined)).toEqual({ ok: true });
  });

  it('a report reads received, under review, closed as its entry moves', () => {
    expect(INBOX_STATUSES.map(reportStatusFor)).toEqual(['received', 'under_review', 'closed']);
  });
});

describe('who sees an entry', () => {
  it('lists an entry in each province, once per country, or as unlocated', () => {
    expect(inboxAreasOf(['CN-GD', 'CN-ZJ'])).toEqual(['CN-GD', 'CN-ZJ', 'CN']);
    expect(inboxAreasOf([])).toEqual(['UNLOCATED']);
    expect(inboxAreasOf(['SHENZHEN'])).toEqual(['SHENZHEN']);
  });

  it('a provincial regulator sees its province, a national one its country, everyone the unlocated', () => {
    const guangdong = regulatorScopeOf('CN-GD');
    const china = regulatorScopeOf('CN');
    expect(china).toEqual({ kind: 'national', country: 'CN' });
    expect(regulatorMaySee(guangdong, ['CN-GD'])).toBe(true);
    expect(regulatorMaySee(guangdong, ['CN-ZJ'])).toBe(false);
    expect(regulatorMaySee(china, ['CN-ZJ'])).toBe(true);
    expect(regulatorMaySee(regulatorScopeOf('VN'), ['CN-ZJ'])).toBe(false);
    expect(regulatorMaySee(guangdong, [])).toBe(true);
  });
});
