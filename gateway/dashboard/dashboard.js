/*
 * 社区治理数据看板 · Community governance dashboard — the reference page of issue 6.
 *
 * A worked example for other teams: a plain browser page (no framework, no build step) that talks to the
 * platform ONLY through the public GraphQL endpoint (/graphql) with the caller's Bearer token, exactly as
 * any other client would. Everything it may show is decided by the platform's scope rule: a street
 * office's token sees its street and everything below it, and nothing of its sibling streets.
 *
 * How it works:
 *   1. Sign in: paste a token, or open the page as /dashboard/#token=<JWT>. The token is kept in
 *      sessionStorage (this browser tab only) and removed from the address bar.
 *   2. `{ me { tier unit } }` says whose dashboard it is. The page shows that unit, or the unit named in
 *      the address as #unit=<code> (drilling down changes that, so the back button works).
 *   3. One query fetches the unit's KPI figures, its monthly trends, its ancestors (breadcrumb) and its
 *      child units with a few figures each; a second one fetches the ranking of the child units by the
 *      metric chosen in the select.
 *
 * Which figures appear is decided by DASHBOARD below: add an entry there to add a figure; the queries,
 * cards, charts, select and table are all built from it.
 */
'use strict';

/* ------------------------------------------------------------------------------------------------------
 * The unit tiers and how the GraphQL schema names them.
 * ---------------------------------------------------------------------------------------------------- */

/** Per tier: GraphQL type, code length, the connection of its children and the field of its parent. */
const UNIT_TYPES = {
  DISTRICT: { typename: 'District', codeLength: 6, children: 'streets', childTier: 'STREET', parent: null },
  STREET: { typename: 'Street', codeLength: 9, children: 'communities', childTier: 'COMMUNITY', parent: 'district' },
  COMMUNITY: { typename: 'Community', codeLength: 12, children: 'grids', childTier: 'GRID', parent: 'street' },
  GRID: { typename: 'Grid', codeLength: 15, children: 'buildings', childTier: 'BUILDING', parent: 'community' },
  BUILDING: { typename: 'Building', codeLength: 18, children: null, childTier: null, parent: 'grid' },
};
const TIERS = Object.keys(UNIT_TYPES);

/** Tier sets used by the configuration below. */
const ALL_TIERS = TIERS;
const WITH_CHILDREN = ['DISTRICT', 'STREET', 'COMMUNITY', 'GRID'];
const DISTRICT_TO_COMMUNITY = ['DISTRICT', 'STREET', 'COMMUNITY'];

/** The tier of a unit code (the code's length tells it), or undefined. */
function tierOfCode(code) {
  if (!/^\d+$/.test(code || '')) return undefined;
  return TIERS.find((tier) => UNIT_TYPES[tier].codeLength === code.length);
}

/* ======================================================================================================
 * DASHBOARD CONFIGURATION — the figures this page shows. Add a figure by adding an entry here.
 * ======================================================================================================
 *
 * Arguments (`args`) are written as GraphQL arguments: a value starting with `$` is one of the page's
 * variables (see VARIABLES: the chosen period's `$from`/`$to`, and `$year` for yearly figures), any
 * other value is written as a literal. `tiers` lists the unit types that have the field. Texts are
 * { zh, en }; a title may contain {year}, {from} or {to}.
 *
 * Formats: 'int' (default), 'decimal', 'score', 'hours', 'yuan', 'percent'. `alert: true` shows a
 * figure in red when it is above zero. `unit` is a small suffix after the number.
 *
 * To add e.g. the community subgraph's populationStatistics once it is in the schema:
 *   { id: 'population', field: 'populationStatistics', tiers: ALL_TIERS, title: { zh: '人口', en: 'Population' },
 *     figures: [{ key: 'households', label: { zh: '户数', en: 'Households' } }, ...] },
 * and, for its trend or ranking, an entry in `trends` or `rankings` the same way.
 */
const DASHBOARD = {
  /** KPI cards: each entry is one field of the unit type (or, with `field: null`, plain fields of the unit itself). */
  kpis: [
    {
      id: 'cases',
      field: 'caseStatistics',
      args: { from: '$from', to: '$to' },
      tiers: ALL_TIERS,
      title: { zh: '网格案件', en: 'Grid cases' },
      figures: [
        { key: 'open', label: { zh: '在办案件', en: 'Open cases' } },
        { key: 'overdue', label: { zh: '逾期未办结', en: 'Overdue' }, alert: true },
        { key: 'reportedInPeriod', label: { zh: '期内上报', en: 'Reported in period' } },
        { key: 'closedInPeriod', label: { zh: '期内办结', en: 'Closed in period' } },
        { key: 'medianHandlingHours', label: { zh: '办结用时中位数', en: 'Median time to close' }, format: 'decimal', unit: { zh: '小时', en: 'h' } },
      ],
    },
    {
      id: 'buildingWork',
      field: 'buildingWorkStatistics',
      args: { from: '$from', to: '$to' },
      tiers: ALL_TIERS,
      title: { zh: '楼栋工作', en: 'Building work' },
      figures: [
        { key: 'buildingsWithLeader', label: { zh: '已选楼栋长的楼栋', en: 'Buildings with a leader' } },
        { key: 'opinions', label: { zh: '期内收集意见', en: 'Opinions collected' } },
        { key: 'residentsHeard', label: { zh: '听取居民人次', en: 'Residents heard' } },
        { key: 'checks', label: { zh: '期内隐患排查', en: 'Instability checks' } },
        { key: 'problemsFound', label: { zh: '发现问题', en: 'Problems found' }, alert: true },
      ],
    },
    {
      id: 'community',
      field: null, // plain fields of Community itself
      tiers: ['COMMUNITY'],
      title: { zh: '社区概况', en: 'Community profile' },
      figures: [
        { key: 'households', label: { zh: '户数', en: 'Households' } },
        { key: 'population', label: { zh: '人口', en: 'Population' } },
        { key: 'staff', label: { zh: '社区工作者', en: 'Staff' } },
        { key: 'areaKm2', label: { zh: '面积', en: 'Area' }, format: 'decimal', unit: { zh: '平方公里', en: 'km²' } },
      ],
    },
    {
      id: 'building',
      field: null, // plain fields of Building itself
      tiers: ['BUILDING'],
      title: { zh: '楼栋概况', en: 'Building profile' },
      figures: [
        { key: 'floors', label: { zh: '层数', en: 'Floors' } },
        { key: 'households', label: { zh: '户数', en: 'Households' } },
      ],
    },
    {
      id: 'party',
      field: 'partyMembers',
      tiers: ALL_TIERS,
      title: { zh: '党员', en: 'Party members' },
      figures: [
        { key: 'total', label: { zh: '党员总数', en: 'All members' } },
        { key: 'resident', label: { zh: '居民党员', en: 'Resident members' } },
        { key: 'inService', label: { zh: '在职党员', en: 'In-service members' } },
        { key: 'floating', label: { zh: '流动党员', en: 'Floating members' } },
      ],
    },
    {
      id: 'serviceReports',
      field: 'serviceReportCounts',
      tiers: DISTRICT_TO_COMMUNITY,
      title: { zh: '在职党员进社区报到', en: 'In-service members reporting' },
      figures: [
        { key: 'members', label: { zh: '报到党员', en: 'Members reporting' } },
        { key: 'accepted', label: { zh: '已接收报到', en: 'Reports accepted' } },
        { key: 'reported', label: { zh: '待接收', en: 'Awaiting acceptance' } },
        { key: 'serviceHours', label: { zh: '服务时长', en: 'Service hours' }, format: 'decimal', unit: { zh: '小时', en: 'h' } },
      ],
    },
    {
      id: 'tasks',
      field: 'taskStatistics',
      tiers: ['DISTRICT', 'STREET'],
      title: { zh: '社区事务准入', en: 'Administrative tasks' },
      figures: [
        { key: 'admitted', label: { zh: '准入事项', en: 'Admitted' } },
        { key: 'open', label: { zh: '办理中', en: 'Open' } },
        { key: 'refused', label: { zh: '社区拒绝', en: 'Refused' } },
        { key: 'pending', label: { zh: '待审核', en: 'Awaiting decision' } },
        { key: 'fundingReceived', label: { zh: '随事项下拨经费', en: 'Funding received' }, format: 'yuan', unit: { zh: '元', en: 'yuan' } },
      ],
    },
    {
      // Today a community's own task figures are `taskBurden` (same type as taskStatistics).
      id: 'communityTasks',
      field: 'taskBurden',
      tiers: ['COMMUNITY'],
      title: { zh: '社区事务准入', en: 'Administrative tasks' },
      figures: [
        { key: 'admitted', label: { zh: '准入事项', en: 'Admitted' } },
        { key: 'open', label: { zh: '办理中', en: 'Open' } },
        { key: 'refused', label: { zh: '社区拒绝', en: 'Refused' } },
        { key: 'pending', label: { zh: '待审核', en: 'Awaiting decision' } },
        { key: 'fundingReceived', label: { zh: '随事项下拨经费', en: 'Funding received' }, format: 'yuan', unit: { zh: '元', en: 'yuan' } },
      ],
    },
    {
      id: 'assessment',
      field: 'assessmentStatistics',
      args: { period: '$year' },
      tiers: DISTRICT_TO_COMMUNITY,
      title: { zh: '和谐社区考核（{year} 年度）', en: 'Community assessment ({year})' },
      figures: [
        { key: 'assessed', label: { zh: '参评社区', en: 'Communities assessed' } },
        { key: 'averageTotal', label: { zh: '平均总分', en: 'Average score' }, format: 'score' },
        { key: 'highestTotal', label: { zh: '最高分', en: 'Highest' }, format: 'score' },
        { key: 'lowestTotal', label: { zh: '最低分', en: 'Lowest' }, format: 'score' },
      ],
    },
  ],

  /** Line charts of monthly figures: `series` are the keys of each month's row (besides `month`). */
  trends: [
    {
      id: 'cases',
      field: 'caseTrend',
      args: { from: '$from', to: '$to' },
      tiers: ALL_TIERS,
      title: { zh: '网格案件月度趋势', en: 'Grid cases per month' },
      series: [
        { key: 'reported', label: { zh: '上报', en: 'Reported' } },
        { key: 'closed', label: { zh: '办结', en: 'Closed' } },
      ],
    },
  ],

  /** What the child units can be ranked by (the select above the bar chart); the first is the default. */
  rankings: [
    { id: 'case-overdue', field: 'caseRanking', metric: 'OVERDUE', args: { from: '$from', to: '$to' }, tiers: WITH_CHILDREN, group: { zh: '网格案件', en: 'Grid cases' }, label: { zh: '逾期未办结', en: 'Overdue' } },
    { id: 'case-open', field: 'caseRanking', metric: 'OPEN', args: { from: '$from', to: '$to' }, tiers: WITH_CHILDREN, group: { zh: '网格案件', en: 'Grid cases' }, label: { zh: '在办案件', en: 'Open' } },
    { id: 'case-reported', field: 'caseRanking', metric: 'REPORTED', args: { from: '$from', to: '$to' }, tiers: WITH_CHILDREN, group: { zh: '网格案件', en: 'Grid cases' }, label: { zh: '期内上报', en: 'Reported in period' } },
    { id: 'case-closed', field: 'caseRanking', metric: 'CLOSED', args: { from: '$from', to: '$to' }, tiers: WITH_CHILDREN, group: { zh: '网格案件', en: 'Grid cases' }, label: { zh: '期内办结', en: 'Closed in period' } },
  ],

  /** Columns of the child-unit table, each a figure of a KPI entry above (shown when the child's tier has it). */
  childColumns: [
    { kpi: 'cases', key: 'open' },
    { kpi: 'cases', key: 'overdue' },
    { kpi: 'cases', key: 'reportedInPeriod' },
    { kpi: 'buildingWork', key: 'buildingsWithLeader' },
    { kpi: 'community', key: 'households' },
    { kpi: 'community', key: 'population' },
    { kpi: 'building', key: 'households' },
    { kpi: 'party', key: 'total' },
  ],

  /** How many child units to list and rank (the API allows 1–100). */
  childPageSize: 100,
  rankingSize: 20,
};

/** The page's query variables, from the chosen period. */
const VARIABLES = {
  from: { type: 'String', value: (period) => period.from },
  to: { type: 'String', value: (period) => period.to },
  year: { type: 'String!', value: (period) => period.year },
};

/* ------------------------------------------------------------------------------------------------------
 * Texts in both languages (default Chinese).
 * ---------------------------------------------------------------------------------------------------- */

const TEXT = {
  zh: {
    title: '社区治理数据看板',
    subtitle: '区 · 街道 · 社区 · 网格 · 楼栋',
    period: '统计期间',
    last12: '近 12 个月',
    yearOption: '{year} 年',
    periodRange: '{from} 至 {to}',
    signOut: '退出',
    switchLanguage: 'English',
    signInTitle: '登录数据看板',
    signInHelp: '请粘贴访问令牌（JWT）。本地演示：运行 pnpm start 后，终端会打印区级演示令牌和一个可直接打开的看板链接。令牌只保存在当前标签页中。',
    tokenPlaceholder: 'eyJhbGciOi…',
    signIn: '进入看板',
    caller: '当前身份：',
    tokenExpires: '令牌有效至 {time}',
    tokenExpired: '令牌已过期',
    trends: '月度趋势',
    ranking: '下级单位排名',
    rankBy: '排名指标',
    rankingNone: '没有可排名的下级单位。',
    children: '下级{tier}',
    childrenCount: '共 {count} 个',
    childrenMore: '仅显示前 {shown} 个，共 {count} 个',
    childrenNone: '没有下级单位。',
    name: '名称',
    code: '编码',
    backToMine: '返回本单位',
    loading: '加载中…',
    noUnit: '该身份没有所属单位，看板只面向区、街道、社区、网格和楼栋工作人员。',
    partialErrors: '部分数据未能加载：',
    ancestorHint: '上级单位（只显示名称）',
    value: '数值',
    rank: '第 {rank} 名',
    source: '数据来自平台公开的 GraphQL 接口 /graphql，按您的令牌权限范围过滤。',
    tiers: { DISTRICT: '区', STREET: '街道', COMMUNITY: '社区', GRID: '网格', BUILDING: '楼栋', PARTNER: '合作伙伴' },
    errors: {
      UNAUTHENTICATED: '身份验证失败：令牌无效或已过期，请重新粘贴令牌。',
      FORBIDDEN: '无权访问：该单位不在您的管辖范围内，不能查看其数据。',
      BAD_USER_INPUT: '请求参数有误。',
      NOT_FOUND: '没有这个单位。',
      NETWORK_ERROR: '无法连接平台，请检查网络或稍后重试。',
      INTERNAL_SERVER_ERROR: '平台内部错误，请稍后重试。',
      DEFAULT: '请求失败。',
    },
  },
  en: {
    title: 'Community Governance Dashboard',
    subtitle: 'District · Street · Community · Grid · Building',
    period: 'Period',
    last12: 'Last 12 months',
    yearOption: '{year}',
    periodRange: '{from} to {to}',
    signOut: 'Sign out',
    switchLanguage: '中文',
    signInTitle: 'Sign in to the dashboard',
    signInHelp: 'Paste an access token (JWT). Locally, pnpm start prints a district demo token and a dashboard link that opens signed in. The token is kept in this browser tab only.',
    tokenPlaceholder: 'eyJhbGciOi…',
    signIn: 'Open dashboard',
    caller: 'Signed in as ',
    tokenExpires: 'token valid until {time}',
    tokenExpired: 'token expired',
    trends: 'Monthly trends',
    ranking: 'Ranking of child units',
    rankBy: 'Rank by',
    rankingNone: 'No child units to rank.',
    children: '{tier}',
    childrenCount: '{count} in all',
    childrenMore: 'first {shown} of {count}',
    childrenNone: 'No child units.',
    name: 'Name',
    code: 'Code',
    backToMine: 'Back to my unit',
    loading: 'Loading…',
    noUnit: 'This caller has no unit: the dashboard is for district, street, community, grid and building staff.',
    partialErrors: 'Some figures could not be loaded:',
    ancestorHint: 'Parent unit (name only)',
    value: 'Value',
    rank: 'rank {rank}',
    source: "Data from the platform's public GraphQL endpoint /graphql, filtered to your token's scope.",
    tiers: { DISTRICT: 'District', STREET: 'Street office', COMMUNITY: 'Community', GRID: 'Grid', BUILDING: 'Building', PARTNER: 'Partner' },
    childTiers: { STREET: 'Street offices', COMMUNITY: 'Communities', GRID: 'Grids', BUILDING: 'Buildings' },
    errors: {
      UNAUTHENTICATED: 'Not signed in: the token is invalid or has expired. Paste a new token.',
      FORBIDDEN: 'Forbidden: this unit is outside your scope, its figures cannot be shown.',
      BAD_USER_INPUT: 'The request was not valid.',
      NOT_FOUND: 'There is no such unit.',
      NETWORK_ERROR: 'Cannot reach the platform: check the network and try again.',
      INTERNAL_SERVER_ERROR: 'Internal error in the platform: try again later.',
      DEFAULT: 'The request failed.',
    },
  },
};

/* ------------------------------------------------------------------------------------------------------
 * Page state. Everything shown is rendered from it, so switching the language re-renders without asking
 * the API again.
 * ---------------------------------------------------------------------------------------------------- */

const TOKEN_KEY = 'cgp.dashboard.token';
const LANG_KEY = 'cgp.dashboard.lang';

/** The GraphQL endpoint: /graphql next to /dashboard/, wherever the gateway is mounted. */
const GRAPHQL_ENDPOINT = new URL('../graphql', document.baseURI).toString();

const state = {
  lang: localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh',
  token: sessionStorage.getItem(TOKEN_KEY),
  me: null, // { tier, unit }
  periodId: 'last12',
  unitCode: null, // the unit on screen
  unit: null, // its data from the API (null while loading or after an error)
  rankingId: null, // DASHBOARD.rankings[].id chosen
  ranking: null, // [{ rank, value, code, name }]
  error: null, // { code, message } of the last failed load
  warnings: [], // partial errors: figures that could not be loaded
  loading: false,
};

/** Each load gets a number, so a slow answer to an older request never overwrites a newer one. */
let loadSequence = 0;
let rankingSequence = 0;

/* ------------------------------------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------------------------------------- */

const $ = (selector) => document.querySelector(selector);

/** A text of the current language; `{name}` placeholders are filled from `values`. */
function t(key, values = {}) {
  const text = TEXT[state.lang][key] ?? TEXT.zh[key] ?? key;
  return fill(text, values);
}

/** The current language's side of a { zh, en } text from the configuration. */
function tr(text, values = {}) {
  return fill(typeof text === 'string' ? text : text[state.lang] ?? text.zh, values);
}

function fill(text, values) {
  return String(text).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Creates an element: el('td', { class: 'num', dataset: { x: 1 } }, 'text', otherElement). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** A YYYY-MM-DD date in the browser's time zone. */
function isoDate(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The statistics period of a choice of the period select: `from` inclusive, `to` exclusive (as the API
 * takes them), and `year` for yearly figures (the assessment): the chosen year, or last year for the
 * rolling twelve months, the latest year that can be complete.
 */
function periodOf(id, today = new Date()) {
  if (id === 'last12') {
    const from = new Date(today.getFullYear(), today.getMonth() - 11, 1);
    const to = new Date(today.getFullYear(), today.getMonth() + 1, 1);
    return { id, from: isoDate(from), to: isoDate(to), year: String(today.getFullYear() - 1) };
  }
  const year = Number(id);
  return { id, from: `${year}-01-01`, to: `${year + 1}-01-01`, year: String(year) };
}

/** The choices of the period select: the rolling year, then this year and the three before. */
function periodChoices(today = new Date()) {
  const years = [0, 1, 2, 3].map((back) => String(today.getFullYear() - back));
  return ['last12', ...years];
}

/** A figure formatted for display ('—' when the API has none, e.g. a median of no cases). */
function formatValue(value, format = 'int') {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const locale = state.lang === 'zh' ? 'zh-CN' : 'en-US';
  const digits = { int: 0, yuan: 0, decimal: 1, score: 1, percent: 1 }[format] ?? 0;
  const shown = format === 'percent' ? value * 100 : value;
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: format === 'score' ? 1 : 0 }).format(shown);
  return format === 'percent' ? `${text}%` : text;
}

/** The claims of a JWT, read only to show who is signed in and until when (the platform verifies it). */
function tokenClaims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      atob(payload)
        .split('')
        .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
        .join(''),
    );
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/* ------------------------------------------------------------------------------------------------------
 * Talking to the platform: one function posts a GraphQL operation with the Bearer token.
 * ---------------------------------------------------------------------------------------------------- */

/** An error answer of the API (or no answer at all), with the platform's `extensions.code`. */
class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * Posts one operation to /graphql. Returns `{ data, errors }` as the API answered them: GraphQL answers
 * partial data with errors (e.g. one figure FORBIDDEN), so the caller decides what is fatal. Throws an
 * ApiError only when there is no GraphQL answer at all (network down, not JSON).
 */
async function graphql(query, variables) {
  let response;
  try {
    response = await fetch(GRAPHQL_ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError('NETWORK_ERROR', error.message);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'NETWORK_ERROR', `HTTP ${response.status} ${response.statusText}`);
  }
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

/** The first error's code and message as an ApiError. */
function apiErrorOf(errors) {
  const first = errors[0] ?? {};
  return new ApiError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message ?? '');
}

/* ------------------------------------------------------------------------------------------------------
 * Building the queries from DASHBOARD.
 * ---------------------------------------------------------------------------------------------------- */

/** `(from: $from, to: $to)` for a config entry's args; records the variables used. */
function argumentsText(args, used) {
  const parts = Object.entries(args ?? {}).map(([name, value]) => {
    if (typeof value === 'string' && value.startsWith('$')) {
      used.add(value.slice(1));
      return `${name}: ${value}`;
    }
    return `${name}: ${JSON.stringify(value)}`;
  });
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** The variable declarations and values of the variables a query uses. */
function variablesOf(used, period, extra) {
  const declarations = Object.keys(extra).map((name) => `$${name}: String!`);
  const values = { ...extra };
  for (const name of used) {
    declarations.push(`$${name}: ${VARIABLES[name].type}`);
    values[name] = VARIABLES[name].value(period);
  }
  return { declarations: declarations.join(', '), values };
}

/** Selection of one KPI entry, with only the given figure keys; aliased `kpi_<id>` so two entries may use the same field. */
function kpiSelection(kpi, keys, used) {
  if (!kpi.field) return keys.join(' ');
  return `kpi_${kpi.id}: ${kpi.field}${argumentsText(kpi.args, used)} { ${keys.join(' ')} }`;
}

/** The value of one figure in a unit's data. */
function figureValue(unit, kpi, key) {
  const source = kpi.field ? unit?.[`kpi_${kpi.id}`] : unit;
  return source?.[key] ?? null;
}

/** `district { code name }`, `street { code name district { code name } }`, … up to the district. */
function ancestorsSelection(tier) {
  const parents = [];
  for (let current = tier; UNIT_TYPES[current].parent; current = TIERS[TIERS.indexOf(current) - 1]) parents.push(UNIT_TYPES[current].parent);
  return parents.reverse().reduce((inner, field) => `${field} { code name ${inner}}`, '');
}

/** Child-table columns that exist on units of this tier. */
function childColumnsFor(childTier) {
  return DASHBOARD.childColumns
    .map((column) => ({ ...column, kpi: DASHBOARD.kpis.find((k) => k.id === column.kpi) }))
    .filter((column) => column.kpi && column.kpi.tiers.includes(childTier))
    .map((column) => ({ ...column, figure: column.kpi.figures.find((f) => f.key === column.key) }));
}

/**
 * The dashboard query of one unit: its KPI figures, trends, ancestors and children, e.g. for a street
 *   query Dashboard($code: String!, $from: String, $to: String, $year: String!) {
 *     unit(code: $code) { __typename ... on Street { code name tier district { code name }
 *       kpi_cases: caseStatistics(from: $from, to: $to) { open overdue … }
 *       trend_cases: caseTrend(from: $from, to: $to) { month reported closed }
 *       children: communities(first: 100) { totalCount edges { node { code name tier kpi_cases: … } } } } } }
 */
function unitQuery(tier, code, period) {
  const type = UNIT_TYPES[tier];
  const used = new Set();
  const lines = ['code name tier'];
  const ancestors = ancestorsSelection(tier);
  if (ancestors) lines.push(ancestors);
  for (const kpi of DASHBOARD.kpis.filter((k) => k.tiers.includes(tier))) {
    lines.push(kpiSelection(kpi, kpi.figures.map((f) => f.key), used));
  }
  for (const trend of DASHBOARD.trends.filter((tr) => tr.tiers.includes(tier))) {
    lines.push(`trend_${trend.id}: ${trend.field}${argumentsText(trend.args, used)} { month ${trend.series.map((s) => s.key).join(' ')} }`);
  }
  if (type.children) {
    // Group the child columns by KPI entry, so each entry is selected once per child.
    const byKpi = new Map();
    for (const column of childColumnsFor(type.childTier)) byKpi.set(column.kpi, [...(byKpi.get(column.kpi) ?? []), column.key]);
    const figures = [...byKpi].map(([kpi, keys]) => kpiSelection(kpi, keys, used)).join('\n          ');
    lines.push(`children: ${type.children}(first: ${DASHBOARD.childPageSize}) {
        totalCount
        edges { node { code name tier
          ${figures} } }
      }`);
  }
  const { declarations, values } = variablesOf(used, period, { code });
  const query = `query Dashboard(${declarations}) {
  unit(code: $code) {
    __typename
    ... on ${type.typename} {
      ${lines.join('\n      ')}
    }
  }
}`;
  return { query, variables: values };
}

/** The ranking query of one unit for one DASHBOARD.rankings entry. */
function rankingQuery(tier, code, ranking, period) {
  const used = new Set();
  const args = argumentsText(ranking.args, used).slice(1, -1);
  const names = TIERS.map((t) => `... on ${UNIT_TYPES[t].typename} { name }`).join(' ');
  const { declarations, values } = variablesOf(used, period, { code });
  const query = `query Ranking(${declarations}) {
  unit(code: $code) {
    ... on ${UNIT_TYPES[tier].typename} {
      ranking: ${ranking.field}(metric: ${ranking.metric}, first: ${DASHBOARD.rankingSize}${args ? `, ${args}` : ''}) {
        rank value code unit { ${names} }
      }
    }
  }
}`;
  return { query, variables: values };
}

/* ------------------------------------------------------------------------------------------------------
 * Loading: who am I, then the unit on screen, then its ranking.
 * ---------------------------------------------------------------------------------------------------- */

/** Signs in with the stored token: asks `me`, then shows the unit in the address or the caller's own. */
async function start() {
  if (!state.token) return showSignIn();
  showDashboard();
  state.loading = true;
  render();
  let answer;
  try {
    answer = await graphql('query Me { me { tier unit } }');
  } catch (error) {
    return fail(error);
  }
  if (!answer.data?.me) return fail(apiErrorOf(answer.errors));
  state.me = answer.data.me;
  if (!state.me.unit) return fail(new ApiError('NO_UNIT', t('noUnit')));
  await loadUnit(unitFromAddress() ?? state.me.unit);
}

/** Loads one unit's figures (and then its ranking) into the state and renders them. */
async function loadUnit(code) {
  const sequence = ++loadSequence;
  const tier = tierOfCode(code);
  // The previous unit stays on screen, dimmed, until the new one arrives.
  Object.assign(state, { unitCode: code, error: null, warnings: [], loading: true });
  render();
  if (!tier) return fail(new ApiError('BAD_USER_INPUT', `"${code}" is not a unit code`), sequence);
  const period = periodOf(state.periodId);
  let answer;
  try {
    const { query, variables } = unitQuery(tier, code, period);
    answer = await graphql(query, variables);
  } catch (error) {
    return fail(error, sequence);
  }
  if (sequence !== loadSequence) return;
  const unit = answer.data?.unit;
  // No unit: the whole lookup was refused (FORBIDDEN outside the caller's scope), or the code names nothing.
  if (!unit) return fail(answer.errors.length ? apiErrorOf(answer.errors) : new ApiError('NOT_FOUND', code), sequence);
  state.unit = unit;
  state.ranking = null;
  state.warnings = answer.errors; // figures refused or failed one by one: the rest is still shown
  state.loading = false;
  render();
  await loadRanking(sequence);
}

/** Loads the ranking of the unit's children by the metric chosen in the select. */
async function loadRanking(sequence = loadSequence) {
  const rankingRequest = ++rankingSequence;
  const stale = () => sequence !== loadSequence || rankingRequest !== rankingSequence;
  const tier = tierOfCode(state.unitCode);
  const choices = rankingsFor(tier);
  if (!choices.length) return;
  const ranking = choices.find((r) => r.id === state.rankingId) ?? choices[0];
  state.rankingId = ranking.id;
  let answer;
  try {
    const { query, variables } = rankingQuery(tier, state.unitCode, ranking, periodOf(state.periodId));
    answer = await graphql(query, variables);
  } catch (error) {
    if (stale()) return;
    state.warnings = [...state.warnings, { message: error.message, extensions: { code: error.code } }];
    return render();
  }
  if (stale()) return;
  const rows = answer.data?.unit?.ranking;
  if (!rows) {
    state.warnings = [...state.warnings, ...answer.errors];
    return render();
  }
  state.ranking = rows.map((row) => ({ rank: row.rank, value: row.value, code: row.code, name: row.unit?.name ?? row.code }));
  renderRanking();
}

/** Shows a failed load: the error, and no figures. An invalid token sends the user back to sign-in. */
function fail(error, sequence = loadSequence) {
  if (sequence !== loadSequence) return;
  Object.assign(state, { error: { code: error.code, message: error.message }, unit: null, ranking: null, loading: false });
  if (error.code === 'UNAUTHENTICATED') {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.me = null;
    return showSignIn();
  }
  render();
}

/** The rankings offered for a unit of this tier. */
function rankingsFor(tier) {
  return DASHBOARD.rankings.filter((r) => r.tiers.includes(tier));
}

/* ------------------------------------------------------------------------------------------------------
 * Address (#token=…, #unit=…) and navigation.
 * ---------------------------------------------------------------------------------------------------- */

/**
 * Takes a token handed over in the address (#token=…) into sessionStorage and out of the address bar
 * (so it is not left in the history or a bookmark). Says whether there was one.
 */
function takeTokenFromAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return false;
  state.token = token.trim();
  sessionStorage.setItem(TOKEN_KEY, state.token);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return true;
}

function unitFromAddress() {
  return new URLSearchParams(location.hash.slice(1)).get('unit');
}

/** Opens a unit: changes the address, so the browser's back button goes back up. */
function navigate(code) {
  location.hash = `unit=${code}`;
}

/** Whether a unit is inside the caller's own subtree (ancestors above it are shown by name only). */
function inScope(code) {
  return Boolean(state.me?.unit && code.startsWith(state.me.unit));
}

/* ------------------------------------------------------------------------------------------------------
 * Rendering.
 * ---------------------------------------------------------------------------------------------------- */

function showSignIn() {
  $('#signin').hidden = false;
  $('#dashboard').hidden = true;
  $('#signout').hidden = true;
  $('#period-control').hidden = true;
  render();
  $('#token-input').focus();
}

function showDashboard() {
  $('#signin').hidden = true;
  $('#dashboard').hidden = false;
  $('#signout').hidden = false;
  $('#period-control').hidden = false;
}

/** Renders everything from the state. */
function render() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  $('#lang').textContent = t('switchLanguage');
  renderPeriod();
  renderCaller();
  renderSignInError();
  if ($('#dashboard').hidden) return;
  $('#dashboard').classList.toggle('loading', state.loading);
  renderHeading();
  renderAlerts();
  renderKpis();
  renderTrends();
  renderRankingControls();
  renderRanking();
  renderChildren();
}

function renderPeriod() {
  const select = $('#period');
  select.replaceChildren(
    ...periodChoices().map((id) => el('option', { value: id, selected: id === state.periodId }, id === 'last12' ? t('last12') : t('yearOption', { year: id }))),
  );
  const period = periodOf(state.periodId);
  const lastDay = isoDate(new Date(new Date(`${period.to}T00:00:00`).getTime() - 86_400_000));
  const range = $('#period-range');
  range.textContent = t('periodRange', { from: period.from, to: lastDay });
  Object.assign(range.dataset, { from: period.from, to: period.to, year: period.year });
}

function renderCaller() {
  const box = $('#caller');
  const claims = state.token ? tokenClaims(state.token) : null;
  if (!state.me && !claims) return box.replaceChildren();
  const tier = state.me?.tier ?? claims?.tier;
  const unit = state.me?.unit ?? claims?.unit;
  const parts = [`${t('caller')}${TEXT[state.lang].tiers[tier] ?? tier ?? ''}${unit ? ` ${unit}` : ''}`];
  if (claims?.exp) {
    const expires = new Date(claims.exp * 1000);
    const time = expires.toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    parts.push(expires < new Date() ? t('tokenExpired') : t('tokenExpires', { time }));
  }
  box.replaceChildren(parts.join(' · '));
}

function renderSignInError() {
  const box = $('#signin-error');
  const error = $('#signin').hidden ? null : state.error;
  box.hidden = !error;
  if (error) box.replaceChildren(errorView(error));
}

/** An error as shown to the user: what it means in their language, then the platform's code and message. */
function errorView(error) {
  const errors = TEXT[state.lang].errors;
  const title = error.code === 'NO_UNIT' ? t('noUnit') : errors[error.code] ?? errors.DEFAULT;
  return el(
    'div',
    { class: 'error-body' },
    el('strong', { class: 'error-title' }, title),
    el('div', { class: 'error-detail' }, el('code', { class: 'error-code' }, error.code), error.message && error.code !== 'NO_UNIT' ? ` ${error.message}` : ''),
  );
}

/** The breadcrumb (ancestors → this unit) and the unit's name, tier and code. */
function renderHeading() {
  const unit = state.unit;
  const crumbs = $('#breadcrumb');
  const items = [];
  if (unit) {
    const ancestors = [];
    let tier = unit.tier;
    let node = unit;
    while (UNIT_TYPES[tier].parent) {
      node = node[UNIT_TYPES[tier].parent];
      tier = TIERS[TIERS.indexOf(tier) - 1];
      ancestors.unshift({ code: node.code, name: node.name });
    }
    for (const a of ancestors) {
      items.push(
        inScope(a.code)
          ? el('a', { href: `#unit=${a.code}`, dataset: { code: a.code } }, a.name)
          : el('span', { class: 'ancestor', title: t('ancestorHint') }, a.name),
      );
    }
    // A district has no ancestors: its heading says it all.
    if (ancestors.length) items.push(el('span', { class: 'current', 'aria-current': 'page' }, unit.name));
  } else if (state.me?.unit && state.unitCode !== state.me.unit && !state.loading) {
    items.push(el('a', { href: `#unit=${state.me.unit}`, class: 'back' }, `← ${t('backToMine')}`));
  }
  crumbs.replaceChildren(...items.flatMap((item, i) => (i ? [el('span', { class: 'sep', 'aria-hidden': 'true' }, '›'), item] : [item])));

  // Without the unit's data (loading, or refused) its code stands in for its name.
  const tier = unit?.tier ?? tierOfCode(state.unitCode ?? '');
  $('#unit-name').textContent = unit?.name ?? (state.loading ? t('loading') : state.unitCode ?? '');
  $('#unit-tier').textContent = tier ? TEXT[state.lang].tiers[tier] : '';
  $('#unit-tier').hidden = !tier;
  $('#unit-code').textContent = unit || state.loading ? state.unitCode ?? '' : '';
}

function renderAlerts() {
  const box = $('#alert');
  if (state.error) {
    box.className = 'alert alert-error';
    box.dataset.code = state.error.code;
    box.replaceChildren(errorView(state.error));
  } else if (state.warnings.length) {
    box.className = 'alert alert-warning';
    box.dataset.code = state.warnings[0].extensions?.code ?? '';
    box.replaceChildren(
      el('strong', {}, t('partialErrors')),
      el('ul', {}, state.warnings.map((w) => el('li', {}, el('code', { class: 'error-code' }, w.extensions?.code ?? 'ERROR'), ` ${(w.path ?? []).join('.')} ${w.message}`))),
    );
  }
  box.hidden = !state.error && !state.warnings.length;
}

/** The KPI cards: one card per DASHBOARD.kpis entry the unit's tier has. */
function renderKpis() {
  const unit = state.unit;
  const container = $('#kpis');
  if (!unit) return container.replaceChildren();
  const period = periodOf(state.periodId);
  const cards = DASHBOARD.kpis
    .filter((kpi) => kpi.tiers.includes(unit.tier))
    .map((kpi) =>
      el(
        'section',
        { class: 'card kpi-card', dataset: { kpi: kpi.id } },
        el('h3', {}, tr(kpi.title, period)),
        el(
          'div',
          { class: 'figures' },
          kpi.figures.map((figure) => {
            const value = figureValue(unit, kpi, figure.key);
            return el(
              'div',
              {
                class: `figure${figure.alert && value > 0 ? ' figure-alert' : ''}`,
                dataset: { figure: `${kpi.id}.${figure.key}`, field: kpi.field ?? '', key: figure.key, format: figure.format ?? 'int' },
              },
              el('div', { class: 'figure-value' }, el('span', { class: 'num' }, formatValue(value, figure.format)), figure.unit && value !== null ? el('span', { class: 'unit' }, tr(figure.unit)) : null),
              el('div', { class: 'figure-label' }, tr(figure.label)),
            );
          }),
        ),
      ),
    );
  container.replaceChildren(...cards);
}

/* Charts: Apache ECharts, one instance per chart element (echarts.getInstanceByDom finds it again). */

const PALETTE = ['#1d5fbf', '#d4380d', '#389e0d', '#d48806', '#722ed1', '#08979c'];
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function chartOf(node) {
  return echarts.getInstanceByDom(node) ?? echarts.init(node, null, { renderer: 'canvas' });
}

function disposeCharts(container) {
  for (const node of container.querySelectorAll('.chart')) echarts.getInstanceByDom(node)?.dispose();
}

/** One line chart per DASHBOARD.trends entry. */
function renderTrends() {
  const unit = state.unit;
  const container = $('#trends');
  disposeCharts(container);
  const trends = unit ? DASHBOARD.trends.filter((trend) => trend.tiers.includes(unit.tier)) : [];
  $('#trends-section').hidden = !trends.length;
  container.replaceChildren(
    ...trends.map((trend) => el('section', { class: 'card chart-card' }, el('h3', {}, tr(trend.title, periodOf(state.periodId))), el('div', { class: 'chart trend-chart', dataset: { trend: trend.id } }))),
  );
  for (const trend of trends) {
    const rows = unit[`trend_${trend.id}`] ?? [];
    const node = container.querySelector(`[data-trend="${trend.id}"]`);
    chartOf(node).setOption({
      animation: !reducedMotion,
      color: PALETTE,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, right: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 4 },
      grid: { left: 8, right: 28, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', boundaryGap: false, data: rows.map((r) => r.month), axisTick: { show: false }, axisLine: { lineStyle: { color: '#c9d1dc' } } },
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#edf0f4' } } },
      series: trend.series.map((s) => ({
        name: tr(s.label),
        type: 'line',
        smooth: 0.3,
        smoothMonotone: 'x', // no curve dipping below zero between months
        symbolSize: 6,
        areaStyle: { opacity: 0.08 },
        data: rows.map((r) => r[s.key]),
      })),
    });
  }
}

function renderRankingControls() {
  const tier = state.unit?.tier;
  const choices = tier ? rankingsFor(tier) : [];
  $('#ranking-section').hidden = !choices.length;
  const select = $('#ranking-metric');
  select.replaceChildren(...choices.map((r) => el('option', { value: r.id, selected: r.id === state.rankingId }, `${tr(r.group)} · ${tr(r.label)}`)));
}

/** The horizontal bar chart of the children ranked by the chosen metric, rank 1 at the top. */
function renderRanking() {
  const node = $('#ranking-chart');
  const empty = $('#ranking-empty');
  const rows = state.ranking ?? [];
  empty.hidden = !state.ranking || rows.length > 0;
  node.hidden = !rows.length;
  if (!rows.length) return echarts.getInstanceByDom(node)?.clear();
  const ranking = DASHBOARD.rankings.find((r) => r.id === state.rankingId);
  node.style.height = `${Math.max(220, rows.length * 30 + 40)}px`;
  const chart = chartOf(node);
  chart.resize();
  const ordered = [...rows].reverse(); // ECharts draws the first category at the bottom
  chart.setOption(
    {
      animation: !reducedMotion,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: {
        trigger: 'item',
        formatter: (p) => `${ordered[p.dataIndex].name}<br>${t('rank', { rank: ordered[p.dataIndex].rank })} · ${tr(ranking.label)}: <b>${formatValue(p.value, ranking.format)}</b>`,
      },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#edf0f4' } } },
      yAxis: { type: 'category', data: ordered.map((r) => r.name), axisTick: { show: false }, axisLine: { lineStyle: { color: '#c9d1dc' } } },
      series: [
        {
          name: tr(ranking.label),
          type: 'bar',
          barMaxWidth: 18,
          data: ordered.map((r) => ({ value: r.value, code: r.code })),
          itemStyle: { color: PALETTE[0], borderRadius: [0, 3, 3, 0] },
          label: { show: true, position: 'right', formatter: (p) => formatValue(p.value, ranking.format) },
        },
      ],
    },
    true,
  );
  // A click on a bar opens that child unit.
  chart.off('click');
  chart.on('click', (p) => navigate(ordered[p.dataIndex].code));
}

/** The table of child units: click one to drill down. */
function renderChildren() {
  const unit = state.unit;
  const section = $('#children-section');
  const type = unit && UNIT_TYPES[unit.tier];
  section.hidden = !type?.children;
  if (!type?.children) return $('#children-table').replaceChildren();
  const childTier = type.childTier;
  const columns = childColumnsFor(childTier);
  const connection = unit.children ?? { totalCount: 0, edges: [] }; // null when the API refused the list
  const children = connection.edges.map((e) => e.node);
  const heading = state.lang === 'zh' ? t('children', { tier: TEXT.zh.tiers[childTier] }) : TEXT.en.childTiers[childTier];
  $('#children-title').textContent = heading;
  $('#children-count').textContent =
    connection.totalCount > children.length ? t('childrenMore', { shown: children.length, count: connection.totalCount }) : t('childrenCount', { count: connection.totalCount });

  const head = el('tr', {}, el('th', {}, t('name')), el('th', {}, t('code')), columns.map((c) => el('th', { class: 'num' }, tr(c.figure.label))));
  const body = children.map((child) =>
    el(
      'tr',
      { class: 'child-row', dataset: { code: child.code }, onclick: () => navigate(child.code) },
      el('td', {}, el('a', { href: `#unit=${child.code}`, class: 'child-link' }, child.name)),
      el('td', { class: 'code' }, child.code),
      columns.map((c) => {
        const value = figureValue(child, c.kpi, c.key);
        return el('td', { class: `num${c.figure.alert && value > 0 ? ' figure-alert' : ''}`, dataset: { figure: `${c.kpi.id}.${c.key}` } }, formatValue(value, c.figure.format));
      }),
    ),
  );
  $('#children-table').replaceChildren(el('thead', {}, head), el('tbody', {}, body));
  $('#children-empty').hidden = children.length > 0;
}

/* ------------------------------------------------------------------------------------------------------
 * Wiring.
 * ---------------------------------------------------------------------------------------------------- */

function init() {
  takeTokenFromAddress();

  $('#signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('#token-input').value.trim().replace(/^Bearer\s+/i, '');
    if (!token) return;
    state.token = token;
    state.error = null;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('#token-input').value = '';
    start();
  });
  $('#signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    Object.assign(state, { token: null, me: null, unit: null, error: null, warnings: [] });
    history.replaceState(null, '', location.pathname + location.search);
    showSignIn();
  });
  $('#lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG_KEY, state.lang);
    render();
  });
  $('#period').addEventListener('change', (event) => {
    state.periodId = event.target.value;
    if (state.me && state.unitCode) loadUnit(state.unitCode);
    else render();
  });
  $('#ranking-metric').addEventListener('change', (event) => {
    state.rankingId = event.target.value;
    loadRanking();
  });
  window.addEventListener('hashchange', () => {
    // A new token in the address signs in again; otherwise the address names the unit to show.
    if (takeTokenFromAddress() || !state.me) {
      state.me = null;
      return start();
    }
    loadUnit(unitFromAddress() ?? state.me.unit);
  });
  window.addEventListener('resize', () => {
    for (const node of document.querySelectorAll('.chart')) echarts.getInstanceByDom(node)?.resize();
  });

  start();
}

init();
