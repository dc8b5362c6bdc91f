import {
  Access,
  accessToCode,
  CallerKind,
  chinaToday,
  existingUnitCodes,
  forbidden,
  insertRows,
  isCalendarDate,
  isValidIdCard,
  pathOfCode,
  readRegistryFile,
  Role,
  RowChecker,
  tierOfCode,
  Tier,
  assertUnitCode,
  type RegistryFileInput,
  type RegistryImportReport,
  type RequestContext,
} from '@cgp/core';
import { BranchCategory, PartyOrganisationKind } from '../organisations/party-organisation.type';
import { PartyMemberKind } from '../organisations/party-member.type';
import { PartyRegistryService } from './registry.service';

function assertDistrictStaff(ctx: RequestContext, districtCode: string): void {
  assertUnitCode(districtCode, Tier.DISTRICT, 'districtCode');
  const { identity } = ctx;
  if (identity.kind !== CallerKind.DISTRICT || !identity.roles.includes(Role.STAFF)) throw forbidden('Only district STAFF import party registers');
  if (accessToCode(identity, districtCode) !== Access.FULL) throw forbidden(`District ${districtCode} is not your district`);
}

/** An organisation is named in files by its unit and its name (unique within a unit). */
const keyOf = (unitCode: string, name: string) => `${unitCode}|${name}`;

/** Bulk onboarding of the party (issue 14): organisations, then members, all or nothing per file. */
export const PartyImport = {
  async organisations(ctx: RequestContext, districtCode: string, file: RegistryFileInput): Promise<RegistryImportReport> {
    assertDistrictStaff(ctx, districtCode);
    const rows = await readRegistryFile(file, { required: ['name', 'kind', 'category', 'unit_code'], optional: ['parent_unit_code', 'parent_name'] });
    const check = new RowChecker();
    const existing = await ctx.query<{ id: string; name: string; unitCode: string; kind: PartyOrganisationKind }>(
      `SELECT id, name, unit_code AS "unitCode", kind FROM party.party_organisation WHERE path <@ $1::ltree`,
      [districtCode],
    );
    const known = new Map(existing.map((o) => [keyOf(o.unitCode, o.name), { id: o.id, kind: o.kind, unitCode: o.unitCode }]));
    const units = await existingUnitCodes(
      ctx,
      rows.map((r) => r.cells.unit_code ?? '').filter((c) => c.startsWith(districtCode) && tierOfCode(c)),
    );
    const created: {
      line: number;
      id: string;
      name: string;
      kind: PartyOrganisationKind;
      category: BranchCategory;
      unitCode: string;
      parentId: string | null;
    }[] = [];
    for (const row of rows) {
      const name = check.required(row, 'name') ?? '';
      const kind = row.cells.kind as PartyOrganisationKind;
      const category = row.cells.category as BranchCategory;
      const unitCode = row.cells.unit_code ?? '';
      if (!Object.values(PartyOrganisationKind).includes(kind))
        check.add(row.line, 'kind', `"${row.cells.kind}" is not one of ${Object.values(PartyOrganisationKind).join(', ')}`);
      if (!Object.values(BranchCategory).includes(category))
        check.add(row.line, 'category', `"${row.cells.category}" is not one of ${Object.values(BranchCategory).join(', ')}`);
      if (!unitCode.startsWith(districtCode) || !tierOfCode(unitCode))
        check.add(row.line, 'unit_code', `"${unitCode}" is not a unit code of district ${districtCode}`);
      else if (!units.has(unitCode)) check.add(row.line, 'unit_code', `there is no unit ${unitCode} (import the units first)`);
      if (known.has(keyOf(unitCode, name))) check.add(row.line, 'name', `${unitCode} already has an organisation named ${name}`);
      const parentKey = row.cells.parent_unit_code || row.cells.parent_name ? keyOf(row.cells.parent_unit_code ?? '', row.cells.parent_name ?? '') : undefined;
      const parent = parentKey ? known.get(parentKey) : undefined;
      if (parentKey && !parent)
        check.add(row.line, 'parent_name', `no organisation ${row.cells.parent_name} at ${row.cells.parent_unit_code} (in a row above, or registered)`);
      else if (Object.values(PartyOrganisationKind).includes(kind) && tierOfCode(unitCode)) {
        const problem = PartyRegistryService.placementProblem(kind, unitCode, parent ?? null);
        if (problem) check.add(row.line, 'kind', problem);
      }
      const id = crypto.randomUUID();
      known.set(keyOf(unitCode, name), { id, kind, unitCode });
      created.push({ line: row.line, id, name, kind, category, unitCode, parentId: parent?.id ?? null });
    }
    check.throwIfAny();
    type O = (typeof created)[number];
    await insertRows<O>(
      ctx,
      'party.party_organisation',
      {
        id: (o) => o.id,
        name: (o) => o.name,
        kind: (o) => o.kind,
        category: (o) => o.category,
        parent_id: (o) => o.parentId,
        unit_code: (o) => o.unitCode,
        unit_tier: (o) => tierOfCode(o.unitCode),
        path: (o) => pathOfCode(o.unitCode),
      },
      created,
    );
    return { rows: rows.length, created: created.length };
  },

  async members(ctx: RequestContext, districtCode: string, file: RegistryFileInput): Promise<RegistryImportReport> {
    assertDistrictStaff(ctx, districtCode);
    const rows = await readRegistryFile(file, {
      required: ['organisation_unit_code', 'organisation_name', 'name', 'kind', 'joined_on'],
      optional: ['phone', 'id_card_number'],
    });
    const check = new RowChecker();
    const organisations = await ctx.query<{ id: string; name: string; unitCode: string; path: string }>(
      `SELECT id, name, unit_code AS "unitCode", path::text AS path FROM party.party_organisation WHERE path <@ $1::ltree`,
      [districtCode],
    );
    const byKey = new Map(organisations.map((o) => [keyOf(o.unitCode, o.name), o]));
    const cards = rows.map((r) => r.cells.id_card_number).filter(Boolean);
    const taken = new Set(
      (await ctx.query<{ card: string }>(`SELECT id_card_number AS card FROM party.party_member WHERE id_card_number = ANY($1)`, [cards])).map((r) => r.card),
    );
    const today = chinaToday();
    const parsed = rows.map((row) => {
      const organisation = byKey.get(keyOf(row.cells.organisation_unit_code ?? '', row.cells.organisation_name ?? ''));
      if (!organisation)
        check.add(
          row.line,
          'organisation_name',
          `no organisation ${row.cells.organisation_name} at ${row.cells.organisation_unit_code} (import the organisations first)`,
        );
      const name = check.required(row, 'name') ?? '';
      if (name.length > 50) check.add(row.line, 'name', 'is longer than 50 characters');
      const kind = row.cells.kind as PartyMemberKind;
      if (!Object.values(PartyMemberKind).includes(kind))
        check.add(row.line, 'kind', `"${row.cells.kind}" is not one of ${Object.values(PartyMemberKind).join(', ')}`);
      const joinedOn = row.cells.joined_on ?? '';
      if (!isCalendarDate(joinedOn)) check.add(row.line, 'joined_on', `"${joinedOn}" is not a date written YYYY-MM-DD`);
      else if (joinedOn > today) check.add(row.line, 'joined_on', `${joinedOn} is in the future`);
      const phone = row.cells.phone || null;
      if (phone && !/^1\d{10}$/.test(phone)) check.add(row.line, 'phone', 'is not an 11-digit mobile number');
      const card = row.cells.id_card_number || null;
      if (card && !isValidIdCard(card)) check.add(row.line, 'id_card_number', 'is not a valid ID-card number (18 characters, check digit)');
      else if (card && taken.has(card)) check.add(row.line, 'id_card_number', 'belongs to a member already registered');
      return { line: row.line, organisation, name, kind, joinedOn, phone, card };
    });
    check.unique(rows, 'id_card_number', (r) => r.cells.id_card_number || undefined, 'the ID-card number');
    check.throwIfAny();
    type M = (typeof parsed)[number];
    await insertRows<M>(
      ctx,
      'party.party_member',
      {
        id: () => crypto.randomUUID(),
        name: (m) => m.name,
        kind: (m) => m.kind,
        organisation_id: (m) => m.organisation!.id,
        joined_on: (m) => m.joinedOn,
        phone: (m) => m.phone,
        id_card_number: (m) => m.card,
        path: (m) => m.organisation!.path,
      },
      parsed,
    );
    return { rows: rows.length, created: parsed.length };
  },
};
