/*
 * 社区治理数据看板 · Community governance dashboard — what the page shows, and the GraphQL it sends.
 *
 * This file has no DOM code: the page loads it before dashboard.js (which renders), and Node loads it too
 * (`require('gateway/dashboard/figures.js')`), so tests send exactly the queries the page sends.
 *
 * Which figures appear is decided by DASHBOARD below: add an entry there to add a figure; the queries,
 * headline tiles, domain cards, charts, ranking select and child table are all built from it.
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
/** Units with child units (what a ranking ranks). */
const WITH_CHILDREN = ['DISTRICT', 'STREET', 'COMMUNITY', 'GRID'];
/** Down to the community: figures kept per community (profiles, wishes, volunteers, tasks, pairings, assessments). */
const DISTRICT_TO_COMMUNITY = ['DISTRICT', 'STREET', 'COMMUNITY'];
/** Units whose children are communities or above: rankings by a per-community figure. */
const DISTRICT_AND_STREET = ['DISTRICT', 'STREET'];

/** The tier of a unit code (the code's length tells it), or undefined. */
function tierOfCode(code) {
  if (!/^\d+$/.test(code || '')) return undefined;
  return TIERS.find((tier) => UNIT_TYPES[tier].codeLength === code.length);
}

/* ======================================================================================================
 * DASHBOARD CONFIGURATION — the figures this page shows. Add a figure by adding an entry here.
 * ======================================================================================================
 *
 * Each subgraph contributes three fields per domain to the unit types: `<p>Statistics` (the KPI figures),
 * `<p>Trend` (monthly rows) and `<p>Ranking` (the unit's children ranked by one metric). A domain below
 * names its statistics field once; its figures, in small labelled groups, are the keys of that field.
 *
 * Arguments (`args`) are written as GraphQL arguments: a value starting with `$` is one of the page's
 * variables (see VARIABLES: the chosen period's `$from`/`$to`, and `$year` for yearly figures), any
 * other value is written as a literal. `tiers` lists the unit types that have the field (a figure, a
 * group or a series may narrow it further: e.g. wishes are kept per community, null below). Texts are
 * { zh, en }; a title may contain {year}, {from} or {to}.
 *
 * Formats: 'int' (default), 'decimal', 'score', 'yuan', 'percent' (a 0–1 rate). `alert: true` shows a
 * figure in red when it is above zero. `unit` is a small suffix after the number.
 */
const PERIOD = { from: '$from', to: '$to' };

const DASHBOARD = {
  /**
   * Figure cards, one per domain, in this order. Each selects `field` once per unit; `wide` cards span
   * two columns (their groups side by side).
   */
  domains: [
    {
      id: 'population',
      field: 'populationStatistics',
      tiers: ALL_TIERS,
      title: { zh: '人口与重点人群', en: 'Population' },
      groups: [
        {
          title: { zh: '户籍人口', en: 'Registered' },
          figures: [
            { key: 'residents', label: { zh: '登记居民', en: 'Residents' } },
            { key: 'households', label: { zh: '登记户数', en: 'Households' } },
            { key: 'population', label: { zh: '常住人口', en: 'Population' }, tiers: DISTRICT_TO_COMMUNITY },
          ],
        },
        {
          title: { zh: '重点关爱', en: 'People in need of care' },
          figures: [
            { key: 'keyPersons', label: { zh: '重点人群', en: 'Key persons' } },
            { key: 'disabled', label: { zh: '残疾人', en: 'Disabled' } },
            { key: 'aged70OrOver', label: { zh: '70 岁以上', en: 'Aged 70+' } },
            { key: 'aged90OrOver', label: { zh: '90 岁以上', en: 'Aged 90+' } },
          ],
        },
      ],
    },
    {
      id: 'cases',
      field: 'caseStatistics',
      args: PERIOD,
      tiers: ALL_TIERS,
      title: { zh: '网格案件', en: 'Grid cases' },
      groups: [
        {
          title: { zh: '当前', en: 'Now' },
          figures: [
            { key: 'open', label: { zh: '在办案件', en: 'Open' } },
            { key: 'overdue', label: { zh: '逾期未办结', en: 'Overdue' }, alert: true },
          ],
        },
        {
          title: { zh: '统计期内', en: 'In the period' },
          figures: [
            { key: 'reportedInPeriod', label: { zh: '上报', en: 'Reported' } },
            { key: 'closedInPeriod', label: { zh: '办结', en: 'Closed' } },
            { key: 'medianHandlingHours', label: { zh: '办结用时中位数', en: 'Median time to close' }, format: 'decimal', unit: { zh: '小时', en: 'h' } },
          ],
        },
      ],
    },
    {
      id: 'buildingWork',
      field: 'buildingWorkStatistics',
      args: PERIOD,
      tiers: ALL_TIERS,
      title: { zh: '楼栋工作', en: 'Building leaders’ work' },
      groups: [
        {
          title: { zh: '楼栋长', en: 'Leaders' },
          figures: [{ key: 'buildingsWithLeader', label: { zh: '已选楼栋长的楼栋', en: 'Buildings with a leader' } }],
        },
        {
          title: { zh: '统计期内', en: 'In the period' },
          figures: [
            { key: 'opinions', label: { zh: '收集意见', en: 'Opinions' } },
            { key: 'residentsHeard', label: { zh: '听取居民', en: 'Residents heard' } },
            { key: 'checks', label: { zh: '隐患排查', en: 'Instability checks' } },
            { key: 'problemsFound', label: { zh: '发现问题', en: 'Problems found' }, alert: true },
          ],
        },
      ],
    },
    {
      id: 'communityWork',
      field: 'communityWorkStatistics',
      args: PERIOD,
      tiers: WITH_CHILDREN,
      wide: true,
      title: { zh: '社区服务', en: 'Community work' },
      groups: [
        {
          title: { zh: '四必访', en: 'Four must-visits' },
          figures: [
            { key: 'mustVisitsDue', label: { zh: '待走访', en: 'Due' } },
            { key: 'mustVisitsDone', label: { zh: '已走访', en: 'Done' } },
            { key: 'mustVisitsLate', label: { zh: '逾期未访', en: 'Late' }, alert: true },
          ],
        },
        {
          title: { zh: '微心愿', en: 'Micro-wishes' },
          tiers: DISTRICT_TO_COMMUNITY,
          figures: [
            { key: 'openWishes', label: { zh: '待认领', en: 'Open' } },
            { key: 'claimedWishes', label: { zh: '已认领', en: 'Claimed' } },
            { key: 'wishesPostedInPeriod', label: { zh: '期内发布', en: 'Posted' } },
            { key: 'wishesFulfilledInPeriod', label: { zh: '期内实现', en: 'Fulfilled' } },
          ],
        },
        {
          title: { zh: '民生代办', en: 'Livelihood errands' },
          figures: [
            { key: 'livelihoodAgents', label: { zh: '代办员', en: 'Agents' } },
            { key: 'openErrands', label: { zh: '待办结', en: 'Open' } },
            { key: 'errandsDoneInPeriod', label: { zh: '期内办结', en: 'Done' } },
          ],
        },
        {
          title: { zh: '志愿服务', en: 'Volunteer service' },
          tiers: DISTRICT_TO_COMMUNITY,
          figures: [
            { key: 'volunteers', label: { zh: '志愿者', en: 'Volunteers' } },
            { key: 'volunteerActivitiesInPeriod', label: { zh: '期内活动', en: 'Activities' } },
            { key: 'volunteerBeneficiariesInPeriod', label: { zh: '受益人次', en: 'Beneficiaries' } },
          ],
        },
        {
          title: { zh: '四方联席会议', en: 'Joint meetings' },
          tiers: DISTRICT_TO_COMMUNITY,
          figures: [
            { key: 'jointMeetingsInPeriod', label: { zh: '期内召开', en: 'Held' } },
            { key: 'openResolutions', label: { zh: '决议待落实', en: 'Open resolutions' } },
          ],
        },
      ],
    },
    {
      id: 'party',
      field: 'partyStatistics',
      args: PERIOD,
      tiers: ALL_TIERS,
      title: { zh: '党建', en: 'Party building' },
      groups: [
        {
          title: { zh: '党员', en: 'Members' },
          figures: [
            { key: 'members', label: { zh: '党员总数', en: 'All' } },
            { key: 'residentMembers', label: { zh: '居民党员', en: 'Resident' } },
            { key: 'inServiceMembers', label: { zh: '在职党员', en: 'In-service' } },
            { key: 'floatingMembers', label: { zh: '流动党员', en: 'Floating' } },
          ],
        },
        {
          title: { zh: '组织生活', en: 'Organisation life' },
          figures: [
            { key: 'organisations', label: { zh: '党组织', en: 'Organisations' } },
            { key: 'meetingsHeld', label: { zh: '期内三会一课', en: 'Meetings held' } },
            { key: 'attendanceRate', label: { zh: '参会率', en: 'Attendance' }, format: 'percent' },
          ],
        },
        {
          title: { zh: '在职党员进社区报到', en: 'In-service members reporting' },
          figures: [
            { key: 'inServiceReported', label: { zh: '期内报到', en: 'Reported' } },
            { key: 'inServiceAccepted', label: { zh: '期内接收', en: 'Accepted' } },
            { key: 'serviceHours', label: { zh: '服务时长', en: 'Service hours' }, format: 'decimal', unit: { zh: '小时', en: 'h' } },
          ],
        },
      ],
    },
    {
      id: 'pairing',
      field: 'pairingStatistics',
      args: PERIOD,
      tiers: DISTRICT_TO_COMMUNITY,
      title: { zh: '结对共建', en: 'Pairing with partners' },
      groups: [
        {
          title: { zh: '结对', en: 'Pairings' },
          figures: [
            { key: 'activePairings', label: { zh: '结对关系', en: 'Active' } },
            { key: 'socialOrganisations', label: { zh: '社会组织', en: 'Social organisations' } },
            { key: 'enterprises', label: { zh: '爱心企业', en: 'Enterprises' } },
          ],
        },
        {
          title: { zh: '统计期内', en: 'In the period' },
          figures: [
            { key: 'activities', label: { zh: '服务活动', en: 'Activities' } },
            { key: 'volunteers', label: { zh: '志愿者人次', en: 'Volunteers' } },
            { key: 'beneficiaries', label: { zh: '服务人次', en: 'People served' } },
          ],
        },
      ],
    },
    {
      id: 'tasks',
      field: 'taskStatistics',
      args: PERIOD,
      tiers: DISTRICT_TO_COMMUNITY,
      title: { zh: '社区事务准入', en: 'Administrative tasks' },
      groups: [
        {
          title: { zh: '当前', en: 'Now' },
          figures: [
            { key: 'open', label: { zh: '办理中', en: 'Open' } },
            { key: 'pending', label: { zh: '待审核', en: 'Awaiting decision' } },
            { key: 'refused', label: { zh: '社区拒绝', en: 'Refused' } },
            { key: 'fundingReceived', label: { zh: '随事项经费', en: 'Funding' }, format: 'yuan', unit: { zh: '元', en: 'yuan' } },
          ],
        },
        {
          title: { zh: '统计期内', en: 'In the period' },
          figures: [
            { key: 'submittedInPeriod', label: { zh: '申报', en: 'Submitted' } },
            { key: 'admittedInPeriod', label: { zh: '准入', en: 'Admitted' } },
          ],
        },
      ],
    },
    {
      id: 'assessment',
      field: 'assessmentStatistics',
      args: { period: '$year' },
      tiers: DISTRICT_TO_COMMUNITY,
      title: { zh: '和谐社区考核（{year} 年度）', en: 'Community assessment ({year})' },
      groups: [
        {
          title: { zh: '六好评分', en: 'Six-goods score' },
          figures: [
            { key: 'averageTotal', label: { zh: '平均总分', en: 'Average' }, format: 'score' },
            { key: 'highestTotal', label: { zh: '最高分', en: 'Highest' }, format: 'score', tiers: DISTRICT_AND_STREET },
            { key: 'lowestTotal', label: { zh: '最低分', en: 'Lowest' }, format: 'score', tiers: DISTRICT_AND_STREET },
            { key: 'assessed', label: { zh: '参评社区', en: 'Communities' }, tiers: DISTRICT_AND_STREET },
          ],
        },
      ],
    },
  ],

  /**
   * The headline tiles above the cards: a few figures of the domains above (the first `headlineSize` the
   * unit's tier has), each with an optional second figure under it.
   */
  headline: [
    { domain: 'population', key: 'residents', sub: { key: 'households', label: { zh: '户', en: 'households' } } },
    { domain: 'party', key: 'members', label: { zh: '党员', en: 'Party members' }, sub: { key: 'organisations', label: { zh: '个党组织', en: 'organisations' } } },
    { domain: 'cases', key: 'open', label: { zh: '在办网格案件', en: 'Open grid cases' }, sub: { key: 'overdue', label: { zh: '件逾期', en: 'overdue' }, alert: true } },
    { domain: 'communityWork', key: 'mustVisitsDone', label: { zh: '四必访已走访', en: 'Must-visits done' }, sub: { key: 'mustVisitsLate', label: { zh: '次逾期', en: 'late' }, alert: true } },
    { domain: 'pairing', key: 'activePairings', label: { zh: '结对共建', en: 'Active pairings' }, sub: { key: 'activities', label: { zh: '次期内活动', en: 'activities' } } },
    { domain: 'tasks', key: 'open', label: { zh: '准入事项办理中', en: 'Tasks open' }, sub: { key: 'pending', label: { zh: '项待审核', en: 'awaiting decision' } } },
    { domain: 'buildingWork', key: 'checks', label: { zh: '期内隐患排查', en: 'Instability checks' }, sub: { key: 'problemsFound', label: { zh: '处发现问题', en: 'problems found' }, alert: true } },
  ],
  headlineSize: 6,

  /**
   * Line charts of monthly figures: `series` are the keys of each month's row (besides `month`); a series
   * with `axis: 1` is drawn against a second value axis on the right (another scale, e.g. people).
   */
  trends: [
    {
      id: 'cases',
      field: 'caseTrend',
      args: PERIOD,
      tiers: ALL_TIERS,
      title: { zh: '网格案件', en: 'Grid cases' },
      series: [
        { key: 'reported', label: { zh: '上报', en: 'Reported' } },
        { key: 'closed', label: { zh: '办结', en: 'Closed' } },
      ],
    },
    {
      id: 'communityWork',
      field: 'communityWorkTrend',
      args: PERIOD,
      tiers: WITH_CHILDREN,
      title: { zh: '社区服务', en: 'Community work' },
      series: [
        { key: 'errandsDone', label: { zh: '代办办结', en: 'Errands' } },
        { key: 'wishesPosted', label: { zh: '心愿发布', en: 'Wishes' }, tiers: DISTRICT_TO_COMMUNITY },
        { key: 'volunteerActivities', label: { zh: '志愿活动', en: 'Volunteering' }, tiers: DISTRICT_TO_COMMUNITY },
        { key: 'visitsMade', label: { zh: '入户走访（右轴）', en: 'Visits (right)' }, axis: 1 },
      ],
    },
    {
      id: 'party',
      field: 'partyTrend',
      args: PERIOD,
      tiers: ALL_TIERS,
      title: { zh: '党建', en: 'Party building' },
      series: [
        { key: 'meetingsHeld', label: { zh: '三会一课', en: 'Meetings held' } },
        { key: 'inServiceReported', label: { zh: '在职党员报到', en: 'In-service reports' } },
        { key: 'inServiceAccepted', label: { zh: '接收报到', en: 'Reports accepted' } },
      ],
    },
    {
      id: 'pairing',
      field: 'pairingTrend',
      args: PERIOD,
      tiers: DISTRICT_TO_COMMUNITY,
      title: { zh: '结对共建', en: 'Pairing with partners' },
      series: [
        { key: 'activities', label: { zh: '服务活动', en: 'Activities' } },
        { key: 'beneficiaries', label: { zh: '服务人次（右轴）', en: 'People served (right)' }, axis: 1 },
      ],
    },
    {
      id: 'tasks',
      field: 'taskTrend',
      args: PERIOD,
      tiers: DISTRICT_TO_COMMUNITY,
      title: { zh: '社区事务准入', en: 'Administrative tasks' },
      series: [
        { key: 'submitted', label: { zh: '申报', en: 'Submitted' } },
        { key: 'admitted', label: { zh: '准入', en: 'Admitted' } },
        { key: 'rejected', label: { zh: '不予准入', en: 'Rejected' } },
        { key: 'done', label: { zh: '社区办结', en: 'Done' } },
      ],
    },
    {
      id: 'buildingWork',
      field: 'buildingWorkTrend',
      args: PERIOD,
      tiers: ALL_TIERS,
      title: { zh: '楼栋工作', en: 'Building leaders’ work' },
      series: [
        { key: 'opinions', label: { zh: '收集意见', en: 'Opinions' } },
        { key: 'checks', label: { zh: '隐患排查', en: 'Checks' } },
        { key: 'problemsFound', label: { zh: '发现问题', en: 'Problems found' } },
      ],
    },
  ],

  /**
   * What the child units can be ranked by (the select above the bar chart, one group per domain); the
   * first metric is the default. `tiers` are the tiers whose children can be ranked by it.
   */
  rankings: [
    {
      domain: 'cases',
      field: 'caseRanking',
      args: PERIOD,
      tiers: WITH_CHILDREN,
      metrics: [
        { metric: 'OVERDUE', label: { zh: '逾期案件', en: 'Overdue cases' } },
        { metric: 'OPEN', label: { zh: '在办案件', en: 'Open cases' } },
        { metric: 'REPORTED', label: { zh: '期内上报案件', en: 'Cases reported' } },
        { metric: 'CLOSED', label: { zh: '期内办结案件', en: 'Cases closed' } },
      ],
    },
    {
      domain: 'population',
      field: 'populationRanking',
      tiers: WITH_CHILDREN,
      metrics: [
        { metric: 'RESIDENTS', label: { zh: '登记居民', en: 'Residents' } },
        { metric: 'HOUSEHOLDS', label: { zh: '登记户数', en: 'Households' } },
        { metric: 'POPULATION', label: { zh: '常住人口', en: 'Population' }, tiers: DISTRICT_AND_STREET },
        { metric: 'KEY_PERSONS', label: { zh: '重点人群', en: 'Key persons' } },
        { metric: 'AGED_70_OR_OVER', label: { zh: '70 岁以上', en: 'Aged 70+' } },
      ],
    },
    {
      domain: 'communityWork',
      field: 'communityWorkRanking',
      args: PERIOD,
      tiers: WITH_CHILDREN,
      metrics: [
        { metric: 'MUST_VISITS_LATE', label: { zh: '四必访逾期', en: 'Must-visits late' } },
        { metric: 'MUST_VISITS_DUE', label: { zh: '四必访待走访', en: 'Must-visits due' } },
        { metric: 'MUST_VISITS_DONE', label: { zh: '四必访已走访', en: 'Must-visits done' } },
        { metric: 'VISITS_MADE', label: { zh: '期内入户走访', en: 'Visits made' } },
        // Errands are kept per grid, wishes, volunteers and meetings per community: only children down to that tier.
        { metric: 'OPEN_ERRANDS', label: { zh: '代办待办结', en: 'Open errands' }, tiers: DISTRICT_TO_COMMUNITY },
        { metric: 'ERRANDS_DONE', label: { zh: '期内代办办结', en: 'Errands done' }, tiers: DISTRICT_TO_COMMUNITY },
        { metric: 'OPEN_WISHES', label: { zh: '心愿待认领', en: 'Open wishes' }, tiers: DISTRICT_AND_STREET },
        { metric: 'WISHES_POSTED', label: { zh: '期内心愿发布', en: 'Wishes posted' }, tiers: DISTRICT_AND_STREET },
        { metric: 'WISHES_FULFILLED', label: { zh: '期内心愿实现', en: 'Wishes fulfilled' }, tiers: DISTRICT_AND_STREET },
        { metric: 'VOLUNTEER_ACTIVITIES', label: { zh: '期内志愿活动', en: 'Volunteer activities' }, tiers: DISTRICT_AND_STREET },
        { metric: 'VOLUNTEER_BENEFICIARIES', label: { zh: '志愿服务受益人次', en: 'Volunteer beneficiaries' }, tiers: DISTRICT_AND_STREET },
        { metric: 'JOINT_MEETINGS', label: { zh: '期内四方联席会议', en: 'Joint meetings' }, tiers: DISTRICT_AND_STREET },
      ],
    },
    {
      domain: 'party',
      field: 'partyRanking',
      args: PERIOD,
      tiers: WITH_CHILDREN,
      metrics: [
        { metric: 'MEMBERS', label: { zh: '党员', en: 'Party members' } },
        { metric: 'IN_SERVICE_MEMBERS', label: { zh: '在职党员', en: 'In-service members' } },
        { metric: 'IN_SERVICE_REPORTED', label: { zh: '在职党员期内报到', en: 'In-service reports' } },
        { metric: 'IN_SERVICE_ACCEPTED', label: { zh: '期内接收报到', en: 'Reports accepted' } },
        { metric: 'MEETINGS', label: { zh: '期内三会一课', en: 'Party meetings held' } },
        { metric: 'ATTENDANCE_RATE', label: { zh: '党组织生活参会率', en: 'Meeting attendance' }, format: 'percent' },
        { metric: 'SERVICE_HOURS', label: { zh: '在职党员服务时长（小时）', en: 'Service hours' }, format: 'decimal' },
      ],
    },
    {
      domain: 'pairing',
      field: 'pairingRanking',
      args: PERIOD,
      tiers: DISTRICT_AND_STREET,
      metrics: [
        { metric: 'ACTIVITIES', label: { zh: '结对单位期内服务活动', en: 'Partner activities' } },
        { metric: 'BENEFICIARIES', label: { zh: '结对服务人次', en: 'People served by partners' } },
        { metric: 'VOLUNTEERS', label: { zh: '结对单位志愿者人次', en: 'Partner volunteers' } },
        { metric: 'PAIRINGS', label: { zh: '结对关系', en: 'Active pairings' } },
      ],
    },
    {
      domain: 'tasks',
      field: 'taskRanking',
      args: PERIOD,
      tiers: DISTRICT_AND_STREET,
      metrics: [
        { metric: 'OPEN', label: { zh: '准入事项办理中', en: 'Tasks open' } },
        { metric: 'ADMITTED', label: { zh: '期内准入事项', en: 'Tasks admitted' } },
        { metric: 'SUBMITTED', label: { zh: '期内申报事项', en: 'Tasks submitted' } },
        { metric: 'DONE', label: { zh: '期内办结事项', en: 'Tasks done' } },
        { metric: 'REFUSED', label: { zh: '期内社区拒绝事项', en: 'Tasks refused' } },
        { metric: 'FUNDING', label: { zh: '期内准入经费（元）', en: 'Task funding (yuan)' }, format: 'yuan' },
      ],
    },
    {
      domain: 'assessment',
      field: 'assessmentRanking',
      args: { period: '$year' },
      tiers: DISTRICT_AND_STREET,
      metrics: [
        { metric: 'TOTAL', label: { zh: '考核总分', en: 'Total score' }, format: 'score' },
        { metric: 'SELF_GOVERNANCE', label: { zh: '自治好', en: 'Self-governance' }, format: 'score' },
        { metric: 'MANAGEMENT', label: { zh: '管理好', en: 'Management' }, format: 'score' },
        { metric: 'SERVICE', label: { zh: '服务好', en: 'Service' }, format: 'score' },
        { metric: 'PUBLIC_SECURITY', label: { zh: '治安好', en: 'Public security' }, format: 'score' },
        { metric: 'ENVIRONMENT', label: { zh: '环境好', en: 'Environment' }, format: 'score' },
        { metric: 'ETHOS', label: { zh: '风尚好', en: 'Ethos' }, format: 'score' },
      ],
    },
    {
      domain: 'buildingWork',
      field: 'buildingWorkRanking',
      args: PERIOD,
      tiers: WITH_CHILDREN,
      metrics: [
        { metric: 'OPINIONS', label: { zh: '期内收集意见', en: 'Opinions' } },
        { metric: 'RESIDENTS_HEARD', label: { zh: '听取居民', en: 'Residents heard' } },
        { metric: 'CHECKS', label: { zh: '期内隐患排查', en: 'Instability checks' } },
        { metric: 'PROBLEMS_FOUND', label: { zh: '发现问题', en: 'Problems found' } },
        { metric: 'BUILDINGS_WITH_LEADER', label: { zh: '已选楼栋长的楼栋', en: 'Buildings with a leader' } },
      ],
    },
  ],

  /** Columns of the child-unit table, each a figure of a domain above (shown when the child's tier has it). */
  childColumns: [
    { domain: 'population', key: 'residents', label: { zh: '登记居民', en: 'Residents' } },
    { domain: 'party', key: 'members', label: { zh: '党员', en: 'Party members' } },
    { domain: 'cases', key: 'open', label: { zh: '在办案件', en: 'Open cases' } },
    { domain: 'cases', key: 'overdue', label: { zh: '逾期案件', en: 'Overdue cases' } },
    { domain: 'communityWork', key: 'mustVisitsLate', label: { zh: '四必访逾期', en: 'Must-visits late' } },
    { domain: 'pairing', key: 'activePairings', label: { zh: '结对关系', en: 'Pairings' } },
  ],

  /** How many child units to list and rank (the API allows 1–100). */
  childPageSize: 100,
  rankingSize: 20,
};

/**
 * What a partner organisation (token tier PARTNER, no unit) sees: its own organisation, and for each of
 * its paired communities the pairing figures it may read there (its own pairings and activities: its
 * public aggregate figures) — nothing else of the dashboard.
 */
const PARTNER_VIEW = {
  figures: [
    { key: 'activePairings', label: { zh: '结对关系', en: 'Active pairings' } },
    { key: 'activities', label: { zh: '期内服务活动', en: 'Activities in the period' } },
    { key: 'volunteers', label: { zh: '派出志愿者人次', en: 'Volunteers sent' } },
    { key: 'beneficiaries', label: { zh: '服务人次', en: 'People served' } },
  ],
  trend: [
    { key: 'activities', label: { zh: '服务活动', en: 'Activities' } },
    { key: 'volunteers', label: { zh: '志愿者人次', en: 'Volunteers' }, axis: 1 },
    { key: 'beneficiaries', label: { zh: '服务人次', en: 'People served' }, axis: 1 },
  ],
};

/** The page's query variables, from the chosen period. */
const VARIABLES = {
  from: { type: 'String', value: (period) => period.from },
  to: { type: 'String', value: (period) => period.to },
  year: { type: 'String!', value: (period) => period.year },
};

/* ------------------------------------------------------------------------------------------------------
 * Periods.
 * ---------------------------------------------------------------------------------------------------- */

/** A YYYY-MM-DD date in the local time zone. */
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

/* ------------------------------------------------------------------------------------------------------
 * What a tier has.
 * ---------------------------------------------------------------------------------------------------- */

const has = (entry, tier) => !entry.tiers || entry.tiers.includes(tier);

/** The domains a unit of this tier has. */
function domainsFor(tier) {
  return DASHBOARD.domains.filter((d) => has(d, tier));
}

function domainOf(id) {
  return DASHBOARD.domains.find((d) => d.id === id);
}

/** A domain's groups for a tier, each with the figures the tier has (groups left empty are dropped). */
function groupsFor(domain, tier) {
  return domain.groups
    .filter((g) => has(g, tier))
    .map((g) => ({ ...g, figures: g.figures.filter((f) => has(f, tier)) }))
    .filter((g) => g.figures.length);
}

/** The figure definition of a domain's key (searched in its groups). */
function figureOf(domain, key) {
  for (const group of domain.groups) {
    const figure = group.figures.find((f) => f.key === key);
    if (figure) return { ...figure, tiers: figure.tiers ?? group.tiers };
  }
  return undefined;
}

/** Whether a unit of this tier has this figure of this domain. */
function hasFigure(domain, key, tier) {
  const figure = figureOf(domain, key);
  return Boolean(domain && has(domain, tier) && figure && has(figure, tier));
}

/** The headline tiles of a tier: the first `headlineSize` whose figure the tier has. */
function headlineFor(tier) {
  return DASHBOARD.headline
    .filter((h) => hasFigure(domainOf(h.domain), h.key, tier))
    .slice(0, DASHBOARD.headlineSize)
    .map((h) => ({ ...h, sub: h.sub && hasFigure(domainOf(h.domain), h.sub.key, tier) ? h.sub : null }));
}

/** The trend charts of a tier, with the series the tier has. */
function trendsFor(tier) {
  return DASHBOARD.trends.filter((t) => has(t, tier)).map((t) => ({ ...t, series: t.series.filter((s) => has(s, tier)) }));
}

/**
 * The ranking choices of a tier, one per metric: { id: '<domain>.<METRIC>', domain, field, metric, args,
 * label, format }.
 */
function rankingsFor(tier) {
  return DASHBOARD.rankings
    .filter((r) => has(r, tier))
    .flatMap((r) =>
      r.metrics.filter((m) => has(m, tier)).map((m) => ({ id: `${r.domain}.${m.metric}`, domain: r.domain, field: r.field, args: r.args, metric: m.metric, label: m.label, format: m.format })),
    );
}

/** Child-table columns that exist on units of this tier, with their domain and figure. */
function childColumnsFor(childTier) {
  return DASHBOARD.childColumns
    .map((column) => ({ ...column, domain: domainOf(column.domain) }))
    .filter((column) => hasFigure(column.domain, column.key, childTier))
    .map((column) => ({ ...column, figure: figureOf(column.domain, column.key) }));
}

/** The value of one figure in a unit's data (null when the API has none). */
function figureValue(unit, domain, key) {
  return unit?.[domain.field]?.[key] ?? null;
}

/* ------------------------------------------------------------------------------------------------------
 * Building the queries from DASHBOARD.
 * ---------------------------------------------------------------------------------------------------- */

/** `(from: $from, to: $to)` for a config entry's args; records the variables used. */
function argumentsText(args, used, extra = []) {
  const parts = Object.entries(args ?? {}).map(([name, value]) => {
    if (typeof value === 'string' && value.startsWith('$')) {
      used.add(value.slice(1));
      return `${name}: ${value}`;
    }
    return `${name}: ${JSON.stringify(value)}`;
  });
  parts.unshift(...extra);
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** The variable declarations and values of the variables a query uses. */
function variablesOf(used, period, extra = {}) {
  const declarations = Object.keys(extra).map((name) => `$${name}: String!`);
  const values = { ...extra };
  for (const name of Object.keys(VARIABLES)) {
    if (!used.has(name)) continue;
    declarations.push(`$${name}: ${VARIABLES[name].type}`);
    values[name] = VARIABLES[name].value(period);
  }
  return { declarations: declarations.join(', '), values };
}

/** `populationStatistics { residents households … }`: one domain's field with the given keys. */
function domainSelection(domain, keys, used) {
  return `${domain.field}${argumentsText(domain.args, used)} { ${keys.join(' ')} }`;
}

/** Every key of a domain a unit of this tier shows: the card's figures and the headline's. */
function domainKeys(domain, tier) {
  const keys = groupsFor(domain, tier).flatMap((g) => g.figures.map((f) => f.key));
  for (const h of headlineFor(tier).filter((h) => h.domain === domain.id)) keys.push(h.key, ...(h.sub ? [h.sub.key] : []));
  return [...new Set(keys)];
}

/** The selections of every figure and trend a unit of this tier shows (one line per field); records the variables used. */
function figureSelections(tier, used) {
  const lines = [];
  for (const domain of domainsFor(tier)) {
    const keys = domainKeys(domain, tier);
    if (keys.length) lines.push(domainSelection(domain, keys, used));
  }
  for (const trend of trendsFor(tier)) {
    lines.push(`${trend.field}${argumentsText(trend.args, used)} { month ${trend.series.map((s) => s.key).join(' ')} }`);
  }
  return lines;
}

/** A unit's ancestors from the top, [{ tier, code }]: its code's prefixes of the shorter tiers' lengths. */
function ancestorsOf(code) {
  const tier = tierOfCode(code);
  return TIERS.slice(0, TIERS.indexOf(tier)).map((t) => ({ tier: t, code: code.slice(0, UNIT_TYPES[t].codeLength) }));
}

/**
 * The dashboard query of one unit: its figures, trends and children, and its ancestors' names for the
 * breadcrumb (looked up by code: a caller sees the names of its own unit's ancestors, nothing more of
 * them), e.g. for a street
 *   query Dashboard($code: String!, $district: String!, $from: String, $to: String, $year: String!) {
 *     district: unit(code: $district) { ... on District { code name } }
 *     unit(code: $code) { __typename ... on Street { code name tier
 *       populationStatistics { residents households … }
 *       caseStatistics(from: $from, to: $to) { open overdue … }
 *       caseTrend(from: $from, to: $to) { month reported closed }
 *       communities(first: 100) { totalCount edges { node { code name tier caseStatistics(…) { open overdue } … } } } } } }
 * Every field is asked once per unit, so the answer keeps the schema's field names.
 */
function unitQuery(tier, code, period) {
  const type = UNIT_TYPES[tier];
  const used = new Set();
  const lines = ['code name tier', ...figureSelections(tier, used)];
  if (type.children) {
    // Group the child columns by domain, so each domain's field is selected once per child.
    const byDomain = new Map();
    for (const column of childColumnsFor(type.childTier)) byDomain.set(column.domain, [...(byDomain.get(column.domain) ?? []), column.key]);
    const figures = [...byDomain].map(([domain, keys]) => domainSelection(domain, keys, used)).join('\n          ');
    lines.push(`${type.children}(first: ${DASHBOARD.childPageSize}) {
        totalCount
        edges { node { code name tier
          ${figures} } }
      }`);
  }
  const ancestors = ancestorsOf(code);
  const names = Object.fromEntries(ancestors.map((a) => [a.tier.toLowerCase(), a.code]));
  const { declarations, values } = variablesOf(used, period, { code, ...names });
  const lookups = ancestors.map((a) => `${a.tier.toLowerCase()}: unit(code: $${a.tier.toLowerCase()}) { ... on ${UNIT_TYPES[a.tier].typename} { code name } }\n  `).join('');
  const query = `query Dashboard(${declarations}) {
  ${lookups}unit(code: $code) {
    __typename
    ... on ${type.typename} {
      ${lines.join('\n      ')}
    }
  }
}`;
  return { query, variables: values };
}

/** The ranking query of one unit for one choice of rankingsFor(tier). */
function rankingQuery(tier, code, ranking, period) {
  const used = new Set();
  const args = argumentsText(ranking.args, used, [`metric: ${ranking.metric}`, `first: ${DASHBOARD.rankingSize}`]);
  const names = TIERS.map((t) => `... on ${UNIT_TYPES[t].typename} { name }`).join(' ');
  const { declarations, values } = variablesOf(used, period, { code });
  const query = `query Ranking(${declarations}) {
  unit(code: $code) {
    ... on ${UNIT_TYPES[tier].typename} {
      ranking: ${ranking.field}${args} {
        rank value code unit { ${names} }
      }
    }
  }
}`;
  return { query, variables: values };
}

/**
 * The partner's query: its organisation, its pairings, and on each paired community the pairing figures
 * and monthly trend it may read (its own share), e.g.
 *   query Partner($from: String, $to: String) { myOrganisation { __typename
 *     ... on SocialOrganisation { id name field registeredOn pairings { …Pairing } }
 *     ... on Enterprise { id name employees pairings { …Pairing } } } }
 */
function partnerQuery(period) {
  const used = new Set();
  const args = argumentsText(PERIOD, used);
  const pairings = `pairings {
        id startedOn endedOn active
        community {
          code name
          pairingStatistics${args} { ${PARTNER_VIEW.figures.map((f) => f.key).join(' ')} }
          pairingTrend${args} { month ${[...new Set(PARTNER_VIEW.trend.map((s) => s.key))].join(' ')} }
        }
      }`;
  const { declarations, values } = variablesOf(used, period);
  const query = `query Partner(${declarations}) {
  myOrganisation {
    __typename
    ... on SocialOrganisation { id name field registeredOn ${pairings} }
    ... on Enterprise { id name employees ${pairings} }
  }
}`;
  return { query, variables: values };
}

/* ------------------------------------------------------------------------------------------------------
 * Numbers that open (issue 18): a figure that counts records the caller may see opens a paginated list
 * of them, through one of the fixed operations below (safelisted: the page sends them by hash, and the
 * gateway's /export runs them for CSV and Excel downloads). A list names the domain and key of the figure
 * it opens, the unit tiers where the figure counts exactly these records, the operation, its variables
 * for a unit, where the connection is in the answer, and the columns (for the table and the exports).
 * ---------------------------------------------------------------------------------------------------- */

const CASE_FIELDS = 'id number title category state gridCode buildingCode handlerName reportedAt deadline overdue';
const CASES_OPERATION = `query DashboardCases($unitCode: String!, $filter: CaseFilter, $first: Int, $after: String) {
  cases(unitCode: $unitCode, filter: $filter, first: $first, after: $after, orderBy: DEADLINE) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${CASE_FIELDS} } }
  }
}`;
const WISHES_OPERATION = `query DashboardWishes($unitCode: String!, $states: [WishState!], $first: Int, $after: String) {
  wishes(unitCode: $unitCode, states: $states, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id text category state communityCode postedAt claimedAt } }
  }
}`;
const TASKS_OPERATION = `query DashboardTasks($unitCode: String!, $status: TaskAssignmentStatus, $first: Int, $after: String) {
  taskAssignments(unitCode: $unitCode, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id status fundingShare community { code } task { title department submittedAt decidedAt dueOn } } }
  }
}`;
const VISITS_OPERATION = `query DashboardVisits($unitCode: String!, $year: Int!, $status: VisitStatus, $first: Int, $after: String) {
  visitsDue(unitCode: $unitCode, year: $year) {
    items(status: $status, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { rule reason occasionOn dueBy status resident { name } visit { visitedOn } } }
    }
  }
}`;
/** A case with its history and place, opened from a list. */
const CASE_OPERATION = `query DashboardCase($id: ID!) {
  gridCase(id: $id) {
    ${CASE_FIELDS} description mediationLevel queueTier queueCode reporterKind closedAt reporterName reporterPhone
    history { action fromState toState actor actorRole at note }
  }
}`;

/** Where a record is: its grid or building with the names of the units above it. */
const PLACE_OPERATION = `query DashboardPlace($code: String!) {
  unit(code: $code) {
    ... on Grid { code name community { code name street { code name } } }
    ... on Building { code name grid { code name community { code name street { code name } } } }
  }
}`;

const CASE_COLUMNS = [
  { key: 'number', label: { zh: '案件编号', en: 'Number' } },
  { key: 'title', label: { zh: '事项', en: 'Title' } },
  { key: 'category', label: { zh: '类别', en: 'Category' } },
  { key: 'state', label: { zh: '状态', en: 'State' } },
  { key: 'gridCode', label: { zh: '网格', en: 'Grid' } },
  { key: 'buildingCode', label: { zh: '楼栋', en: 'Building' } },
  { key: 'handlerName', label: { zh: '承办人', en: 'Handler' } },
  { key: 'reportedAt', label: { zh: '上报时间', en: 'Reported' }, format: 'datetime' },
  { key: 'deadline', label: { zh: '办结时限', en: 'Deadline' }, format: 'datetime' },
  { key: 'overdue', label: { zh: '逾期', en: 'Overdue' }, format: 'yesno' },
];

const LISTS = [
  {
    id: 'openCases', domain: 'cases', key: 'open', tiers: ALL_TIERS, operation: 'DashboardCases', query: CASES_OPERATION, connection: 'cases', detail: 'case',
    title: { zh: '在办案件', en: 'Open cases' }, columns: CASE_COLUMNS,
    variables: (unitCode) => ({ unitCode, filter: { states: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RETURNED'] } }),
  },
  {
    id: 'overdueCases', domain: 'cases', key: 'overdue', tiers: ALL_TIERS, operation: 'DashboardCases', query: CASES_OPERATION, connection: 'cases', detail: 'case',
    title: { zh: '逾期未办结案件', en: 'Overdue cases' }, columns: CASE_COLUMNS,
    variables: (unitCode) => ({ unitCode, filter: { overdue: true } }),
  },
  ...[['openWishes', 'POSTED', { zh: '待认领心愿', en: 'Open wishes' }], ['claimedWishes', 'CLAIMED', { zh: '已认领心愿', en: 'Claimed wishes' }]].map(([key, state, title]) => ({
    id: key, domain: 'communityWork', key, tiers: DISTRICT_TO_COMMUNITY, operation: 'DashboardWishes', query: WISHES_OPERATION, connection: 'wishes', title,
    columns: [
      { key: 'text', label: { zh: '心愿', en: 'Wish' } },
      { key: 'category', label: { zh: '类别', en: 'Category' } },
      { key: 'state', label: { zh: '状态', en: 'State' } },
      { key: 'postedAt', label: { zh: '发布时间', en: 'Posted' }, format: 'datetime' },
      { key: 'claimedAt', label: { zh: '认领时间', en: 'Claimed' }, format: 'datetime' },
    ],
    variables: (unitCode) => ({ unitCode, states: [state] }),
  })),
  {
    // The communities' admitted shares of administrative tasks not done yet: the "tasks open" figure.
    id: 'openTasks', domain: 'tasks', key: 'open', tiers: DISTRICT_TO_COMMUNITY, operation: 'DashboardTasks', query: TASKS_OPERATION, connection: 'taskAssignments',
    title: { zh: '准入事项办理中', en: 'Tasks open' },
    columns: [
      { key: 'task.title', label: { zh: '事项', en: 'Task' } },
      { key: 'task.department', label: { zh: '部门', en: 'Department' } },
      { key: 'community.code', label: { zh: '社区', en: 'Community' } },
      { key: 'fundingShare', label: { zh: '经费（元）', en: 'Funding (yuan)' } },
      { key: 'task.decidedAt', label: { zh: '准入时间', en: 'Admitted' }, format: 'datetime' },
      { key: 'task.dueOn', label: { zh: '办结期限', en: 'Due on' } },
    ],
    variables: (unitCode) => ({ unitCode, status: 'ADMITTED' }),
  },
  // Must-visits of a calendar year (the figures count the occasions in the period; for a chosen year they are
  // exactly visitsDue's for that year, so the lists open only then, not for the rolling twelve months).
  ...[['mustVisitsDue', 'DUE', { zh: '待走访', en: 'Must-visits due' }], ['mustVisitsDone', 'DONE', { zh: '已走访', en: 'Must-visits done' }], ['mustVisitsLate', 'LATE', { zh: '逾期未访', en: 'Must-visits late' }]].map(([key, status, title]) => ({
    id: key, domain: 'communityWork', key, tiers: WITH_CHILDREN, calendarYear: true, operation: 'DashboardVisits', query: VISITS_OPERATION, connection: 'visitsDue.items', title,
    columns: [
      { key: 'rule', label: { zh: '走访类别', en: 'Rule' } },
      { key: 'reason', label: { zh: '事由', en: 'Reason' } },
      { key: 'occasionOn', label: { zh: '日期', en: 'Occasion' } },
      { key: 'dueBy', label: { zh: '走访期限', en: 'Due by' } },
      { key: 'status', label: { zh: '状态', en: 'Status' } },
      { key: 'resident.name', label: { zh: '走访对象', en: 'Resident' } },
      { key: 'visit.visitedOn', label: { zh: '走访日期', en: 'Visited on' } },
    ],
    variables: (unitCode, period) => ({ unitCode, year: Number(period.year), status }),
  })),
];

/** The list a figure of a unit tier opens for a period, or undefined. */
function listFor(domainId, key, tier, period) {
  return LISTS.find((l) => l.domain === domainId && l.key === key && l.tiers.includes(tier) && (!l.calendarYear || (period && period.id !== 'last12')));
}

/** A value of a list's row by its column key, e.g. 'resident.name' (null when a step is missing). */
function valueAt(row, key) {
  return key.split('.').reduce((o, k) => (o === null || o === undefined ? null : o[k]), row);
}

/** The operations the page sends for lists and records by name: safelisted (gateway/src/safelist.ts). */
function listOperations() {
  const byName = new Map();
  for (const list of LISTS) byName.set(list.operation, list.query);
  byName.set('DashboardCase', CASE_OPERATION);
  byName.set('DashboardPlace', PLACE_OPERATION);
  return byName;
}

/** A cell of a list as text (for the table and the CSV): dates in China Standard Time, yes/no in the language. */
function cellText(value, format, lang = 'zh') {
  if (value === null || value === undefined) return '';
  if (format === 'datetime') return new Date(new Date(value).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
  if (format === 'yesno') return value ? (lang === 'en' ? 'yes' : '是') : lang === 'en' ? 'no' : '否';
  return String(value);
}

/* Node (tests, other tools) loads this file as a module; the browser as a plain script before dashboard.js. */
if (typeof module === 'object' && module.exports) {
  module.exports = {
    UNIT_TYPES, TIERS, DASHBOARD, PARTNER_VIEW, VARIABLES,
    tierOfCode, periodOf, periodChoices, isoDate,
    domainsFor, domainOf, groupsFor, figureOf, hasFigure, headlineFor, trendsFor, rankingsFor, childColumnsFor, figureValue,
    ancestorsOf, figureSelections, variablesOf, unitQuery, rankingQuery, partnerQuery,
    LISTS, listFor, listOperations, cellText, valueAt,
  };
}
