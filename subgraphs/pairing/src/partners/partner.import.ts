import {
  Access,
  accessToCode,
  assertUnitCode,
  CallerKind,
  chinaToday,
  existingUnitCodes,
  forbidden,
  insertRows,
  isCalendarDate,
  pathOfCode,
  readRegistryFile,
  Role,
  RowChecker,
  Tier,
  type RegistryFileInput,
  type RegistryImportReport,
  type RequestContext,
} from '@cgp/core';
import { creditCodeProblem } from './credit-code';

const addYears = (day: string, n: number) => `${Number(day.slice(0, 4)) + n}${day.slice(4)}`;
const KINDS: Record<string, 'SOCIAL_ORGANISATION' | 'ENTERPRISE'> = {
  SOCIAL_ORGANISATION: 'SOCIAL_ORGANISATION',
  社会组织: 'SOCIAL_ORGANISATION',
  ENTERPRISE: 'ENTERPRISE',
  爱心企业: 'ENTERPRISE',
  企业: 'ENTERPRISE',
};

/** District STAFF of this district import its registers. */
function assertDistrictStaff(ctx: RequestContext, districtCode: string): void {
  assertUnitCode(districtCode, Tier.DISTRICT, 'districtCode');
  const { identity } = ctx;
  if (identity.kind !== CallerKind.DISTRICT || !identity.roles.includes(Role.STAFF)) throw forbidden('Only district STAFF import partner registers');
  if (accessToCode(identity, districtCode) !== Access.FULL) throw forbidden(`District ${districtCode} is not your district`);
}

/**
 * Bulk onboarding of partners and pairings (issue 14): the district's social organisations and caring
 * enterprises, then their pairings with communities, from CSV or Excel files, all or nothing per file.
 */
export const PartnerImport = {
  /** Columns: kind (SOCIAL_ORGANISATION or ENTERPRISE, or 社会组织 / 爱心企业), name, credit_code; field (organisations), employees (enterprises), registered_on. */
  async partners(ctx: RequestContext, districtCode: string, file: RegistryFileInput): Promise<RegistryImportReport> {
    assertDistrictStaff(ctx, districtCode);
    const rows = await readRegistryFile(file, { required: ['kind', 'name', 'credit_code'], optional: ['field', 'employees', 'registered_on'] });
    const check = new RowChecker();
    const today = chinaToday();
    const parsed = rows.map((row) => {
      const kind = KINDS[(row.cells.kind ?? '').toUpperCase()] ?? KINDS[row.cells.kind ?? ''];
      if (!kind) check.add(row.line, 'kind', `"${row.cells.kind}" is not SOCIAL_ORGANISATION or ENTERPRISE (社会组织 / 爱心企业)`);
      const name = check.required(row, 'name');
      if (name && name.length > 200) check.add(row.line, 'name', 'is longer than 200 characters');
      const code = (row.cells.credit_code ?? '').toUpperCase();
      const problem = kind
        ? creditCodeProblem(code, kind === 'ENTERPRISE' ? { char: '9', name: 'market regulation' } : { char: '5', name: 'civil affairs' })
        : undefined;
      if (problem) check.add(row.line, 'credit_code', problem);
      const registeredOn = row.cells.registered_on || (kind === 'ENTERPRISE' ? today : '');
      if (!registeredOn) check.add(row.line, 'registered_on', 'is empty (a social organisation’s date of registration)');
      else if (!isCalendarDate(registeredOn)) check.add(row.line, 'registered_on', `"${registeredOn}" is not a date written YYYY-MM-DD`);
      else if (registeredOn > today) check.add(row.line, 'registered_on', `${registeredOn} is in the future`);
      const field = row.cells.field ?? '';
      if (kind === 'SOCIAL_ORGANISATION' && !field) check.add(row.line, 'field', 'is empty (a social organisation’s field of service)');
      const employees = Number(row.cells.employees || '0');
      if (kind === 'ENTERPRISE' && (!Number.isInteger(employees) || employees < 0 || employees > 100_000))
        check.add(row.line, 'employees', `"${row.cells.employees}" is not a number from 0 to 100,000`);
      return { line: row.line, kind, name: name ?? '', code, registeredOn, field, employees };
    });
    check.unique(rows, 'credit_code', (r) => (r.cells.credit_code ?? '').toUpperCase() || undefined, 'the credit code');
    const codes = parsed.map((p) => p.code).filter(Boolean);
    const taken = await ctx.query<{ code: string; name: string }>(
      `SELECT credit_code AS code, name FROM pairing.social_organisation WHERE district_code = $1 AND credit_code = ANY($2)
       UNION ALL SELECT credit_code, name FROM pairing.enterprise WHERE district_code = $1 AND credit_code = ANY($2)`,
      [districtCode, codes],
    );
    const holder = new Map(taken.map((t) => [t.code, t.name]));
    for (const p of parsed)
      if (holder.has(p.code)) check.add(p.line, 'credit_code', `${p.code} is already registered in district ${districtCode} (${holder.get(p.code)})`);
    check.throwIfAny();
    const base = { district_code: () => districtCode, path: () => districtCode, registered_by: () => ctx.identity.sub };
    type P = (typeof parsed)[number];
    await insertRows<P>(
      ctx,
      'pairing.social_organisation',
      {
        ...base,
        id: () => crypto.randomUUID(),
        name: (p) => p.name,
        field: (p) => p.field,
        credit_code: (p) => p.code,
        registered_on: (p) => p.registeredOn,
      },
      parsed.filter((p) => p.kind === 'SOCIAL_ORGANISATION'),
    );
    await insertRows<P>(
      ctx,
      'pairing.enterprise',
      {
        ...base,
        id: () => crypto.randomUUID(),
        name: (p) => p.name,
        employees: (p) => p.employees,
        credit_code: (p) => p.code,
        registered_on: (p) => p.registeredOn,
      },
      parsed.filter((p) => p.kind === 'ENTERPRISE'),
    );
    return { rows: rows.length, created: parsed.length };
  },

  /** Columns: community_code, partner_credit_code, started_on, agreed_until, agreement. */
  async pairings(ctx: RequestContext, districtCode: string, file: RegistryFileInput): Promise<RegistryImportReport> {
    assertDistrictStaff(ctx, districtCode);
    const rows = await readRegistryFile(file, { required: ['community_code', 'partner_credit_code', 'started_on', 'agreed_until', 'agreement'] });
    const check = new RowChecker();
    const partners = await ctx.query<{ id: string; code: string; kind: string }>(
      `SELECT id, credit_code AS code, 'SOCIAL_ORGANISATION' AS kind FROM pairing.social_organisation WHERE district_code = $1 AND credit_code IS NOT NULL
       UNION ALL SELECT id, credit_code, 'ENTERPRISE' FROM pairing.enterprise WHERE district_code = $1 AND credit_code IS NOT NULL`,
      [districtCode],
    );
    const partnerByCode = new Map(partners.map((p) => [p.code, p]));
    const communities = await existingUnitCodes(
      ctx,
      rows.map((r) => r.cells.community_code ?? '').filter((c) => /^\d{12}$/.test(c) && c.startsWith(districtCode)),
    );
    const parsed = rows.map((row) => {
      const community = check.matching(row, 'community_code', /^\d{12}$/, 'is not a 12-digit community code');
      if (community && !community.startsWith(districtCode))
        check.add(row.line, 'community_code', `${community} is not a community of district ${districtCode}`);
      else if (community && !communities.has(community)) check.add(row.line, 'community_code', `there is no community ${community}`);
      const code = (row.cells.partner_credit_code ?? '').toUpperCase();
      const partner = partnerByCode.get(code);
      if (!partner)
        check.add(row.line, 'partner_credit_code', `no partner of district ${districtCode} has the credit code "${code}" (import the partners first)`);
      const startedOn = row.cells.started_on ?? '';
      const agreedUntil = row.cells.agreed_until ?? '';
      if (!isCalendarDate(startedOn)) check.add(row.line, 'started_on', `"${startedOn}" is not a date written YYYY-MM-DD`);
      if (!isCalendarDate(agreedUntil)) check.add(row.line, 'agreed_until', `"${agreedUntil}" is not a date written YYYY-MM-DD`);
      else if (isCalendarDate(startedOn) && agreedUntil < startedOn) check.add(row.line, 'agreed_until', `${agreedUntil} is before started_on ${startedOn}`);
      else if (isCalendarDate(startedOn) && agreedUntil > addYears(startedOn, 5))
        check.add(row.line, 'agreed_until', `${agreedUntil} is more than five years after started_on ${startedOn}`);
      const agreement = check.required(row, 'agreement');
      if (agreement && agreement.length > 2000) check.add(row.line, 'agreement', 'is longer than 2,000 characters');
      return { line: row.line, community: community ?? '', partner, startedOn, agreedUntil, agreement: agreement ?? '', id: crypto.randomUUID() };
    });
    check.unique(
      rows,
      'partner_credit_code',
      (r) => `${r.cells.community_code}|${(r.cells.partner_credit_code ?? '').toUpperCase()}`,
      'the pairing of this partner and community',
    );
    const running = await ctx.query<{ community: string; partner: string }>(
      `SELECT community_code AS community, coalesce(social_organisation_id, enterprise_id)::text AS partner FROM pairing.pairing WHERE ended_on IS NULL AND path <@ $1::ltree`,
      [districtCode],
    );
    const isRunning = new Set(running.map((r) => `${r.community}|${r.partner}`));
    for (const p of parsed)
      if (p.partner && isRunning.has(`${p.community}|${p.partner.id}`))
        check.add(p.line, 'partner_credit_code', `this partner is already paired with community ${p.community}`);
    check.throwIfAny();
    type P = (typeof parsed)[number];
    await insertRows<P>(
      ctx,
      'pairing.pairing',
      {
        id: (p) => p.id,
        community_code: (p) => p.community,
        social_organisation_id: (p) => (p.partner!.kind === 'SOCIAL_ORGANISATION' ? p.partner!.id : null),
        enterprise_id: (p) => (p.partner!.kind === 'ENTERPRISE' ? p.partner!.id : null),
        started_on: (p) => p.startedOn,
        agreed_until: (p) => p.agreedUntil,
        agreement: (p) => p.agreement,
        path: (p) => pathOfCode(p.community),
        started_by: () => ctx.identity.sub,
      },
      parsed,
    );
    await insertRows<P>(
      ctx,
      'pairing.pairing_term',
      {
        pairing_id: (p) => p.id,
        kind: () => 'START',
        from_on: (p) => p.startedOn,
        until_on: (p) => p.agreedUntil,
        agreement: (p) => p.agreement,
        path: (p) => pathOfCode(p.community),
        recorded_by: () => ctx.identity.sub,
      },
      parsed,
    );
    return { rows: rows.length, created: parsed.length };
  },
};
