import { personName } from './names';
import { chinaToday, idCardCheckDigit, setting, type Env } from '@cgp/core';
import { Random, spread, stableId } from './random';

/** Figures of Chuanhui district from the seed articles: one district is generated at these volumes. */
export const CHUANHUI = {
  code: '411602',
  name: '川汇区',
  streets: 8,
  communities: 58,
  grids: 162,
  buildings: 516,
  socialOrganisations: 89,
  enterprises: 50,
} as const;

export interface UnitSeed {
  id: string;
  code: string;
  name: string;
  /** ltree ancestry path of codes, e.g. 411602.411602001 */
  path: string;
  parentId: string | null;
}
export interface CommunitySeed extends UnitSeed {
  households: number;
  population: number;
  staff: number;
  areaKm2: number;
}
export interface BuildingSeed extends UnitSeed {
  floors: number;
  households: number;
}

export type PartyOrganisationKindSeed = 'DISTRICT_COMMITTEE' | 'STREET_WORKING_COMMITTEE' | 'COMMUNITY_COMMITTEE' | 'GENERAL_BRANCH' | 'BRANCH' | 'GROUP';
export type BranchCategorySeed = 'TERRITORIAL' | 'FUNCTIONAL' | 'COMBINED';
export type PartyMemberKindSeed = 'RESIDENT' | 'IN_SERVICE' | 'FLOATING';

export interface PartyOrganisationSeed {
  id: string;
  name: string;
  kind: PartyOrganisationKindSeed;
  category: BranchCategorySeed;
  parentId: string | null;
  unitId: string;
  unitCode: string;
  unitTier: 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID' | 'BUILDING';
  path: string;
}
export interface PartyMemberSeed {
  id: string;
  name: string;
  kind: PartyMemberKindSeed;
  organisationId: string;
  path: string;
  joinedOn: string;
  /** Personal data: mobile phone number. */
  phone: string;
  /** Personal data: 18-character resident ID-card number with a valid check digit. */
  idCardNumber: string;
}
export interface SocialOrganisationSeed {
  id: string;
  name: string;
  field: string;
  districtCode: string;
  path: string;
  registeredOn: string;
}
export interface EnterpriseSeed {
  id: string;
  name: string;
  employees: number;
  districtCode: string;
  path: string;
}
export interface PairingSeed {
  id: string;
  communityId: string;
  communityCode: string;
  path: string;
  socialOrganisationId: string | null;
  enterpriseId: string | null;
  startedOn: string;
  endedOn: string | null;
}

export interface DemoDataset {
  districts: UnitSeed[];
  streets: UnitSeed[];
  communities: CommunitySeed[];
  grids: UnitSeed[];
  buildings: BuildingSeed[];
  partyOrganisations: PartyOrganisationSeed[];
  partyMembers: PartyMemberSeed[];
  socialOrganisations: SocialOrganisationSeed[];
  enterprises: EnterpriseSeed[];
  pairings: PairingSeed[];
  /** Volume of the grid cases (generateWork): cases per grid per year, and how many years back they go. */
  caseVolume?: CaseVolume;
  /**
   * The day (YYYY-MM-DD, China Standard Time) the demo's work data is generated up to: cases,
   * visits, wishes, services, tasks, party life and activities end the day before, deadlines run on
   * from it, assessments cover the last year completed before it. Default: today (chinaToday).
   */
  asOf: string;
}

/** Grid-case volume, a factor separate from the unit scale (a city's five years of cases is the largest table by far). */
export interface CaseVolume {
  /** Cases reported in each grid per year (default 40, about Chuanhui's 6,500 a year over 162 grids). */
  perGridPerYear: number;
  /** Years of cases, ending at the dataset's asOf day (default 1). */
  years: number;
}

/** The day a demo is generated up to: `asOf` checked (YYYY-MM-DD, a real day), or today in China Standard Time. */
export function demoAsOf(asOf?: string, now = new Date()): string {
  if (asOf === undefined) return chinaToday(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || new Date(`${asOf}T00:00:00Z`).toISOString().slice(0, 10) !== asOf)
    throw new Error(`asOf must be a day written YYYY-MM-DD; got ${asOf}`);
  return asOf;
}

/**
 * The instant the demo's recorded work ends: the start (00:00 China Standard Time) of its asOf
 * day. Everything recorded happened before it; deadlines and due visits run on after it.
 */
export function demoEnd(data: Pick<DemoDataset, 'asOf'>): number {
  return Date.parse(`${data.asOf}T00:00:00+08:00`);
}

/**
 * The city of issue 7 (ten districts): Chuanhui is the first district, the other nine share the rest
 * of these totals (sizes differ by at most one unit between them).
 */
export const CITY = { districts: 10, streets: 100, communities: 600, grids: 1700, buildings: 5500 } as const;

/** Size of district `d` (d ≥ 1) of a city: its share of CITY beyond Chuanhui, the first districts taking the remainder. */
function cityDistrictSize(total: number, chuanhui: number, d: number): number {
  const others = CITY.districts - 1;
  const rest = total - chuanhui;
  return Math.floor(rest / others) + (d <= rest % others ? 1 : 0);
}

/**
 * Fewest households per floor in the districts after Chuanhui (Chuanhui: 2), which also have 0–3
 * more households per building: the city's other districts have denser buildings, so its 5,500
 * buildings hold about a million residents.
 */
const HOUSEHOLDS_PER_FLOOR_MIN = 3;

const DISTRICTS: [string, string][] = [
  ['411602', '川汇区'],
  ['411603', '淮阳区'],
  ['411621', '扶沟县'],
  ['411622', '西华县'],
  ['411623', '商水县'],
  ['411624', '沈丘县'],
  ['411625', '郸城县'],
  ['411627', '太康县'],
  ['411628', '鹿邑县'],
  ['411681', '项城市'],
];
const CHUANHUI_STREETS = ['陈州回族街道', '七一路街道', '荷花路街道', '人和街道', '小桥街道', '城北街道', '文昌街道', '文化街道'];
const COMMUNITY_WORDS = [
  '新华',
  '碧林花园',
  '文化',
  '和平',
  '建设',
  '团结',
  '光明',
  '幸福',
  '繁荣',
  '振兴',
  '人民',
  '友谊',
  '育才',
  '朝阳',
  '东风',
  '春华',
  '秋实',
  '交通',
  '八一',
  '五一',
  '红旗',
  '长安',
  '太平',
  '永安',
  '兴隆',
  '安居',
  '和谐',
  '富民',
  '康宁',
  '向阳',
];
const ORG_WORDS = ['阳光', '爱心', '同心', '春晖', '暖阳', '启航', '益善', '和美', '乐龄', '康护', '馨家', '善行', '友邻', '晨曦', '众益'];
const ORG_KINDS: [string, string][] = [
  ['社工服务中心', 'social work'],
  ['志愿者协会', 'volunteering'],
  ['养老服务中心', 'elderly care'],
  ['医疗服务队', 'medical service'],
  ['家政服务社', 'home services'],
  ['公益发展中心', 'charity'],
  ['助学服务站', 'education'],
];
const ENTERPRISE_WORDS = ['豫东', '周口', '川汇', '沙颍', '龙湖', '中原', '华耀', '金丰', '恒达', '万顺'];
const ENTERPRISE_KINDS = ['商贸有限公司', '建设集团', '物业服务公司', '医药连锁', '食品有限公司'];
const FUNCTIONAL_BRANCHES = ['治安维稳', '创业就业', '宣讲', '慈善帮扶', '家政服务'];

function isoDate(random: Random, fromYear: number, toYear: number): string {
  const y = random.int(fromYear, toYear);
  const m = random.int(1, 12);
  const d = random.int(1, 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A resident ID-card number: area code, birth date, sequence, check digit. */
function idCard(random: Random, areaCode: string): string {
  const first17 = `${areaCode}${isoDate(random, 1940, 2000).replace(/-/g, '')}${String(random.int(0, 999)).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}

export interface GenerateOptions {
  /**
   * Size of the demo. 1 = Chuanhui district at the seeds' volumes (8 streets, 58 communities,
   * 162 grids, 516 buildings). Below 1, one smaller district (for tests). Above 1, that many
   * districts: Chuanhui, then districts of the city of issue 7 (10 = the city: 100 street offices,
   * 600 communities, 1,700 grids, 5,500 buildings, about a million residents, see CITY).
   */
  scale?: number;
  seed?: number;
  /**
   * The day the work data is generated up to (YYYY-MM-DD, China Standard Time); default today, so
   * the demo looks live on the day it is loaded. Tests pass a fixed day only where they need the
   * same rows on every day (see demoEnd).
   */
  asOf?: string;
  /** Grid-case volume; default one year of 40 cases per grid. The city target (2,000,000 over five years at scale 10) is { perGridPerYear: 247, years: 5 }. */
  caseVolume?: Partial<CaseVolume>;
  /**
   * Districts below scale 1 (default 1): Chuanhui, then districts of the city each the size of the
   * scaled-down Chuanhui. Tests that need a second real district use 2; Chuanhui's rows are the same
   * either way (the other districts are generated after it).
   */
  districts?: number;
}

/** The city target's case density: 247 cases per grid per year over five years (2,000,000 cases at scale 10). */
export const CITY_CASE_VOLUME: CaseVolume = { perGridPerYear: 247, years: 5 };

/**
 * Version of the generated data: raised whenever the same options start giving different rows, so a
 * database loaded by an older generator (the benchmark's persistent data directories) is never reused.
 * 2: scale > 1 builds the city of issue 7 (denser districts after Chuanhui).
 * 3: work data as of a day (asOf, default today) with the live demo's rules for open and overdue cases (issue 18).
 * 4: staff appointments (a person per role at every unit) and partners' credit codes (issue 14).
 */
export const DEMO_DATA_VERSION = 4;

/** DEMO_CASES_PER_GRID_YEAR and DEMO_CASE_YEARS from the environment (unset: the defaults). */
export function caseVolumeFromEnvironment(env?: Env): Partial<CaseVolume> | undefined {
  const perGridPerYear = setting('DEMO_CASES_PER_GRID_YEAR', env);
  const years = setting('DEMO_CASE_YEARS', env);
  return perGridPerYear || years ? { perGridPerYear, years } : undefined;
}

/** Generates the demo dataset; the same options always give the same data. */
export function generateDemo(options: GenerateOptions = {}): DemoDataset {
  const scale = options.scale ?? 1;
  if (!(scale > 0)) throw new Error(`scale must be positive; got ${scale}`);
  const random = new Random(options.seed ?? 411602);
  const density = Math.min(1, scale);
  if (
    options.districts !== undefined &&
    !(Number.isInteger(options.districts) && options.districts >= 1 && options.districts <= DISTRICTS.length && density < 1)
  ) {
    throw new Error(`districts must be an integer from 1 to ${DISTRICTS.length}, with a scale below 1; got ${options.districts} at scale ${scale}`);
  }
  const districtCount = options.districts ?? Math.max(1, Math.round(scale));
  const data: DemoDataset = {
    districts: [],
    streets: [],
    communities: [],
    grids: [],
    buildings: [],
    partyOrganisations: [],
    partyMembers: [],
    socialOrganisations: [],
    enterprises: [],
    pairings: [],
    asOf: demoAsOf(options.asOf),
  };
  if (options.caseVolume) data.caseVolume = { perGridPerYear: options.caseVolume.perGridPerYear ?? 40, years: options.caseVolume.years ?? 1 };

  for (let d = 0; d < districtCount; d++) {
    const [code, name] = d < DISTRICTS.length ? DISTRICTS[d] : [String(411700 + d), `示范区${d + 1}`];
    const district: UnitSeed = { id: stableId('district', code), code, name, path: code, parentId: null };
    data.districts.push(district);
    const districtCommittee = partyOrg(data, `中共${name}委员会`, 'DISTRICT_COMMITTEE', 'TERRITORIAL', null, district, 'DISTRICT');

    // District 0 is Chuanhui (scaled down below 1); the others are the rest of the city's units.
    // Below scale 1 (tests) every district is the scaled-down Chuanhui's size.
    const size = (chuanhui: number, city: number) => (d === 0 || density < 1 ? Math.round(chuanhui * density) : cityDistrictSize(city, chuanhui, d));
    const streetCount = Math.max(1, size(CHUANHUI.streets, CITY.streets));
    const communityCount = Math.max(streetCount, size(CHUANHUI.communities, CITY.communities));
    const gridCount = Math.max(communityCount, size(CHUANHUI.grids, CITY.grids));
    const buildingCount = Math.max(gridCount, size(CHUANHUI.buildings, CITY.buildings));
    const communitiesPerStreet = spread(random, communityCount, streetCount);
    const gridsPerCommunity = spread(random, gridCount, communityCount);
    const buildingsPerGrid = spread(random, buildingCount, gridCount);
    const districtCommunities: CommunitySeed[] = [];
    let communityIndex = 0;
    let gridIndex = 0;

    for (let s = 0; s < streetCount; s++) {
      const streetCode = `${code}${String(s + 1).padStart(3, '0')}`;
      const streetName = d === 0 && s < CHUANHUI_STREETS.length ? CHUANHUI_STREETS[s] : `${name}第${s + 1}街道`;
      const street: UnitSeed = {
        id: stableId('street', streetCode),
        code: streetCode,
        name: streetName,
        path: `${district.path}.${streetCode}`,
        parentId: district.id,
      };
      data.streets.push(street);
      const workingCommittee = partyOrg(data, `中共${streetName}工作委员会`, 'STREET_WORKING_COMMITTEE', 'TERRITORIAL', districtCommittee.id, street, 'STREET');

      for (let c = 0; c < communitiesPerStreet[s]; c++) {
        const communityCode = `${streetCode}${String(c + 1).padStart(3, '0')}`;
        const word = COMMUNITY_WORDS[communityIndex % COMMUNITY_WORDS.length];
        const round = Math.floor(communityIndex / COMMUNITY_WORDS.length);
        const households = d === 0 && communityIndex === 0 ? 11000 : random.int(1500, 9000);
        const community: CommunitySeed = {
          id: stableId('community', communityCode),
          code: communityCode,
          name: `${word}${round > 0 ? round + 1 : ''}社区`,
          path: `${street.path}.${communityCode}`,
          parentId: street.id,
          households,
          population: d === 0 && communityIndex === 0 ? 28600 : Math.round(households * (2.4 + random.next() * 0.5)),
          staff: random.int(8, 15),
          areaKm2: Math.round((0.3 + random.next() * 1.2) * 100) / 100,
        };
        communityIndex++;
        data.communities.push(community);
        districtCommunities.push(community);
        const big = community.population > 20000;
        const general = partyOrg(
          data,
          `中共${community.name}${big ? '委员会' : '总支部委员会'}`,
          big ? 'COMMUNITY_COMMITTEE' : 'GENERAL_BRANCH',
          'TERRITORIAL',
          workingCommittee.id,
          community,
          'COMMUNITY',
        );
        const branchesOfCommunity: PartyOrganisationSeed[] = [];
        const groupsOfCommunity: PartyOrganisationSeed[] = [];

        for (let g = 0; g < gridsPerCommunity[communityIndex - 1]; g++) {
          const gridCode = `${communityCode}${String(g + 1).padStart(3, '0')}`;
          const grid: UnitSeed = {
            id: stableId('grid', gridCode),
            code: gridCode,
            name: `${community.name}第${g + 1}网格`,
            path: `${community.path}.${gridCode}`,
            parentId: community.id,
          };
          data.grids.push(grid);
          const branch = partyOrg(data, `${grid.name}党支部`, 'BRANCH', 'TERRITORIAL', general.id, grid, 'GRID');
          branchesOfCommunity.push(branch);
          for (let b = 0; b < buildingsPerGrid[gridIndex]; b++) {
            const buildingCode = `${gridCode}${String(b + 1).padStart(3, '0')}`;
            const floors = random.int(5, 30);
            const building: BuildingSeed = {
              id: stableId('building', buildingCode),
              code: buildingCode,
              name: `${community.name}${g + 1}-${b + 1}号楼`,
              path: `${grid.path}.${buildingCode}`,
              parentId: grid.id,
              floors,
              households: d === 0 ? floors * random.int(2, 6) : floors * random.int(HOUSEHOLDS_PER_FLOOR_MIN, 6) + random.int(0, 3),
            };
            data.buildings.push(building);
            groupsOfCommunity.push(partyOrg(data, `${building.name}党小组`, 'GROUP', 'TERRITORIAL', branch.id, building, 'BUILDING'));
          }
          gridIndex++;
        }
        if (random.next() < 0.3) {
          branchesOfCommunity.push(
            partyOrg(data, `${community.name}${random.pick(FUNCTIONAL_BRANCHES)}功能型党支部`, 'BRANCH', 'FUNCTIONAL', general.id, community, 'COMMUNITY'),
          );
        }
        const combined =
          random.next() < 0.25 ? partyOrg(data, `${community.name}兼合式党支部`, 'BRANCH', 'COMBINED', general.id, community, 'COMMUNITY') : null;

        const members = (kind: PartyMemberKindSeed, count: number, orgs: PartyOrganisationSeed[]) => {
          for (let i = 0; i < count; i++) {
            const org = random.pick(orgs);
            data.partyMembers.push({
              id: stableId('member', communityCode, kind, i),
              name: personName(random),
              kind,
              organisationId: org.id,
              path: org.path,
              joinedOn: isoDate(random, 1975, 2019),
              phone: `1${random.pick(['38', '39', '58', '86', '35'])}${String(random.int(0, 99999999)).padStart(8, '0')}`,
              idCardNumber: idCard(random, code),
            });
          }
        };
        members('RESIDENT', random.int(15, 35), groupsOfCommunity.length ? groupsOfCommunity : branchesOfCommunity);
        members('IN_SERVICE', random.int(80, 200), combined ? [combined, general] : [general]);
        members('FLOATING', random.int(1, 6), [general]);
      }
    }

    const orgCount = Math.max(1, Math.round(CHUANHUI.socialOrganisations * density));
    for (let o = 0; o < orgCount; o++) {
      const [suffix, field] = ORG_KINDS[o % ORG_KINDS.length];
      const org: SocialOrganisationSeed = {
        id: stableId('social-organisation', code, o),
        name: `${name}${ORG_WORDS[o % ORG_WORDS.length]}${suffix}${o >= ORG_WORDS.length ? Math.floor(o / ORG_WORDS.length) + 1 : ''}`,
        field,
        districtCode: code,
        path: district.path,
        registeredOn: isoDate(random, 2010, 2018),
      };
      data.socialOrganisations.push(org);
      const community = districtCommunities[o % districtCommunities.length];
      data.pairings.push({
        id: stableId('pairing', org.id, community.code),
        communityId: community.id,
        communityCode: community.code,
        path: community.path,
        socialOrganisationId: org.id,
        enterpriseId: null,
        startedOn: isoDate(random, 2017, 2019),
        endedOn: null,
      });
    }
    const enterpriseCount = Math.max(1, Math.round(CHUANHUI.enterprises * density));
    for (let e = 0; e < enterpriseCount; e++) {
      const enterprise: EnterpriseSeed = {
        id: stableId('enterprise', code, e),
        name: `${ENTERPRISE_WORDS[e % ENTERPRISE_WORDS.length]}${ENTERPRISE_KINDS[e % ENTERPRISE_KINDS.length]}${e >= 10 ? Math.floor(e / 10) + 1 : ''}`,
        employees: random.int(8, 30),
        districtCode: code,
        path: district.path,
      };
      data.enterprises.push(enterprise);
      const community = random.pick(districtCommunities);
      data.pairings.push({
        id: stableId('pairing', enterprise.id, community.code),
        communityId: community.id,
        communityCode: community.code,
        path: community.path,
        socialOrganisationId: null,
        enterpriseId: enterprise.id,
        startedOn: isoDate(random, 2017, 2019),
        endedOn: null,
      });
    }
  }
  return data;
}

function partyOrg(
  data: DemoDataset,
  name: string,
  kind: PartyOrganisationKindSeed,
  category: BranchCategorySeed,
  parentId: string | null,
  unit: UnitSeed,
  unitTier: PartyOrganisationSeed['unitTier'],
): PartyOrganisationSeed {
  const org: PartyOrganisationSeed = {
    id: stableId('party-organisation', unit.code, kind, category, name),
    name,
    kind,
    category,
    parentId,
    unitId: unit.id,
    unitCode: unit.code,
    unitTier,
    path: unit.path,
  };
  data.partyOrganisations.push(org);
  return org;
}
