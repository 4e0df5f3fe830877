/** Applications (申请 / 办件): submission at a window, acceptance, supplements, and the case view. */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, desc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import Type from 'typebox';
import { reserveCase, reservedCaseNo } from '../../db/applicationRequests.ts';
import { cases, certificates } from '../../db/schema.ts';
import { snapshotMatter, type Catalogue, type Matter, type MatterSnapshot } from '../../rules/catalogue.ts';
import { defaultIdType, idNumberProblem, idTypeNames, idTypesFor, phoneProblem } from '../../rules/identity.ts';
import { chinaDate } from '../../rules/workingDays.ts';
import type { ApiDeps } from '../app.ts';
import { queryCase, submitCase } from '../caseClient.ts';
import { commandCase } from '../caseCommand.ts';
import { answerView, caseView, caseViewWithFiles, loadCase, loadEvents } from '../caseView.ts';
import { attachHandedIn, handedInFields, materialEntries, resolveMaterials } from '../materialFiles.ts';
import { ApiError } from '../errors.ts';
import { departmentsOf, type StaffUser } from '../../rules/access.ts';
import type { CaseState } from '../../rules/caseModel.ts';
import { applicantCase, caseNotFound, presentedQueryCode } from '../auth/applicantAccess.ts';
import { actingDepartment, commandActor, staffOf } from '../auth/guard.ts';
import { forReader, logStaffRead } from '../auth/personalData.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { calendarDate } from './supervision.ts';
import {
  AcceptanceBody,
  CaseMaterialParams,
  CaseNoParams,
  OriginalSeenBody,
  CaseReadQuery,
  IdempotencyHeaders,
  SubmitApplicationBody,
  SupplementBody,
  DeliveryBody,
  UrgentBody,
  ExtensionApprovalBody,
  ExtensionParams,
  ExtensionRequestBody,
  WithdrawalBody,
  CaseListRow,
  CaseRecord,
  CaseView,
  COMMAND_ERRORS,
  errors,
  RequestedExtension,
  SubmittedCase,
  type Static,
} from '../schemas.ts';

/** The applicant's document number and phone, checked before anything is reserved (a 400 naming the field). */
function checkApplicant(applicant: Static<typeof SubmitApplicationBody>['applicant'], today: string) {
  const idType = applicant.idType ?? defaultIdType(applicant.type);
  if (!(idTypesFor[applicant.type] as readonly string[]).includes(idType)) {
    throw new ApiError(
      400,
      'invalid_id_type',
      `${applicant.type === 'person' ? '自然人' : '法人或其他组织'}不能使用${idTypeNames[idType]}作为身份证件`,
      'applicant.idType',
    );
  }
  const problem = idNumberProblem(idType, applicant.idNumber, today);
  if (problem) throw new ApiError(400, 'invalid_id_number', problem, 'applicant.idNumber');
  const phone = applicant.phone === undefined ? undefined : phoneProblem(applicant.phone);
  if (phone) throw new ApiError(400, 'invalid_phone', phone, 'applicant.phone');
  return { ...applicant, idType, idNumber: applicant.idNumber.trim().toUpperCase() };
}

function resolveMatters(catalogue: Catalogue, body: Static<typeof SubmitApplicationBody>) {
  if (body.matters && body.theme) {
    throw new ApiError(400, 'matters_and_theme', '只能提供 matters 或 theme 其中之一', 'theme');
  }
  if (!body.matters && !body.theme)
    throw new ApiError(400, 'missing_field', '缺少必填字段 matters 或 theme', 'matters');
  const byCode = new Map(catalogue.matters.map((m) => [m.code, m]));
  let theme: { code: string; name: string } | undefined;
  let codes: string[];
  if (body.theme) {
    const found = catalogue.themes.find((t) => t.code === body.theme);
    if (!found) throw new ApiError(422, 'unknown_theme', `主题服务 ${body.theme} 不存在`, 'theme');
    theme = { code: found.code, name: found.name };
    codes = found.matters;
  } else {
    codes = body.matters ?? [];
    codes.forEach((code, i) => {
      if (!byCode.has(code)) throw new ApiError(422, 'unknown_matter', `事项 ${code} 不存在`, `matters[${i}]`);
    });
  }
  const matters = codes.map((code) => byCode.get(code) as Matter);
  const needed = new Set(matters.flatMap((m) => m.materials.map((x) => x.code)));
  const entries = materialEntries(body.materials);
  entries.forEach(({ code }, i) => {
    if (!needed.has(code)) {
      throw new ApiError(422, 'unknown_material', `材料 ${code} 不属于所申请事项的材料清单`, `materials[${i}]`);
    }
  });
  if (body.channel === 'online') {
    // 网上申报: nothing is handed over in person, so every required material claimed must come as a file.
    const required = new Set(matters.flatMap((m) => m.materials.filter((x) => x.required).map((x) => x.code)));
    entries.forEach(({ code, files }, i) => {
      if (required.has(code) && !files?.length) {
        throw new ApiError(
          422,
          'files_required',
          `网上申报的必要材料 ${code} 须上传至少一个文件`,
          `materials[${i}].files`,
        );
      }
    });
  }
  const committable = new Set(
    matters.flatMap((m) => m.materials.filter((x) => x.commitmentAllowed).map((x) => x.code)),
  );
  (body.commitments ?? []).forEach((code, i) => {
    if (!committable.has(code)) {
      throw new ApiError(422, 'commitment_not_allowed', `材料 ${code} 不适用告知承诺`, `commitments[${i}]`);
    }
  });
  return { theme, matters: matters.map((m) => snapshotMatter(catalogue, m)) };
}

/**
 * Materials the system itself issued earlier to this applicant (电子证照库): never asked for again. A required
 * material whose issuing matter gave this id number a certificate is satisfied by that certificate.
 */
async function certificatesOnFile(db: Database, catalogue: Catalogue, matters: MatterSnapshot[], idNumber: string) {
  const issuingMatter = new Map(
    catalogue.materials.filter((m) => m.issuedByMatter).map((m) => [m.code, m.issuedByMatter as string]),
  );
  const wanted = [
    ...new Set(
      matters.flatMap((m) => m.materials.filter((x) => x.required && issuingMatter.has(x.code)).map((x) => x.code)),
    ),
  ];
  if (wanted.length === 0) return [];
  const held = await db
    .select({ matter: certificates.matter, certificateNo: certificates.certificateNo })
    .from(certificates)
    .where(
      and(
        eq(certificates.holderIdNumber, idNumber),
        isNull(certificates.revokedAt), // a revoked (注销) certificate proves nothing any more
        inArray(
          certificates.matter,
          wanted.map((code) => issuingMatter.get(code) as string),
        ),
      ),
    );
  return wanted.flatMap((material) => {
    const certificate = held.find((c) => c.matter === issuingMatter.get(material));
    return certificate ? [{ material, certificateNo: certificate.certificateNo }] : [];
  });
}

// Commands go straight to the case's workflow, which answers `case_not_found` itself for an unknown case number;
// only reads go to PostgreSQL.

/** Reviewers and heads read the cases their department (or the one they stand in for) takes part in. */
function mayRead(user: StaffUser, state: CaseState): boolean {
  if (user.role !== 'reviewer' && user.role !== 'head') return true;
  const mine = new Set(departmentsOf(user));
  return state.matters.some((m) => m.departments.some((d) => mine.has(d.code)));
}

/**
 * A case as its reader may see it: staff (logged, personal data masked by role, reviewers only their departments'
 * cases) or the applicant with the query code (the same 404 as an unknown case otherwise).
 */
export async function readCase(
  app: FastifyInstance,
  deps: ApiDeps,
  request: FastifyRequest,
  caseNo: string,
  view: string,
  load: (caseNo: string) => Promise<CaseState | undefined>,
  queryCodeField?: string,
): Promise<{ state: CaseState; staff?: StaffUser }> {
  const user = request.staff;
  if (!user) {
    return { state: await applicantCase(app, request, caseNo, presentedQueryCode(request, queryCodeField), load) };
  }
  const state = await load(caseNo);
  if (!state) throw caseNotFound(caseNo);
  if (!mayRead(user, state)) {
    throw new ApiError(403, 'not_your_department', `办件 ${caseNo} 不涉及您所在的部门`, 'caseNo');
  }
  await logStaffRead(deps.db, user, caseNo, view);
  return { state, staff: user };
}

/** Supplying and withdrawing: the applicant with the query code, or a clerk at the window on their behalf. */
async function applicantOrClerk(
  app: FastifyInstance,
  deps: ApiDeps,
  request: FastifyRequest,
  caseNo: string,
  queryCodeField: string | undefined,
) {
  if (request.staff) return;
  await applicantCase(app, request, caseNo, presentedQueryCode(request, queryCodeField), (no) => loadCase(deps.db, no));
}

export const applicationRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/applications',
      {
        config: { access: 'case.submit' },
        schema: {
          summary: '窗口收件：提交申请（一件事一次办）',
          body: SubmitApplicationBody,
          headers: IdempotencyHeaders,
          response: { 201: SubmittedCase, ...errors(409, 422, 503) },
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        if (!key) {
          throw new ApiError(400, 'idempotency_key_required', '缺少请求头 Idempotency-Key', 'Idempotency-Key');
        }
        const body = request.body;
        const clerk = staffOf(request);
        const applicant = checkApplicant(body.applicant, chinaDate(deps.clock.now()));
        const catalogue = await deps.catalogue.get();
        const { theme, matters } = resolveMatters(catalogue, body);
        const fromLibrary = await certificatesOnFile(deps.db, catalogue, matters, applicant.idNumber);
        // The clerk's own scans; on a retry they may already be attached to the case this key reserved.
        const handedIn = await resolveMaterials(
          deps.db,
          body.materials,
          { username: clerk.username },
          await reservedCaseNo(deps.db, key),
        );
        const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
        const reservation = await reserveCase(deps.db, key, requestHash, chinaDate(deps.clock.now()));
        if (reservation.requestHash !== requestHash) {
          throw new ApiError(
            409,
            'idempotency_key_reused',
            'Idempotency-Key 已用于另一份不同的申请',
            'Idempotency-Key',
          );
        }
        const submitted = await submitCase(deps, reservation.caseNo, {
          data: {
            caseNo: reservation.caseNo,
            queryCode: reservation.queryCode,
            applicant,
            ...(theme ? { theme } : {}),
            matters,
            materials: handedIn.materials,
            ...handedInFields(handedIn),
            ...(body.commitments?.length ? { commitments: body.commitments } : {}),
            ...(fromLibrary.length ? { fromLibrary } : {}),
            channel: body.channel ?? 'window',
            form: body.form ?? {},
            window: clerk.window ?? '',
            // Cases received from now on: each matter of a theme gets its own outcome.
            rules: 2,
          },
          actor: commandActor(clerk),
        });
        // A retry after the case has closed: the case is answered from its record.
        const state = submitted === 'closed' ? await loadCase(deps.db, reservation.caseNo) : submitted;
        if (!state)
          throw new ApiError(503, 'engine_unavailable', '审批引擎暂不可用，请稍后用同一 Idempotency-Key 重试');
        await attachHandedIn(deps.db, state.caseNo, handedIn);
        if (reservation.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(201).send({
          caseNo: state.caseNo,
          queryCode: state.queryCode,
          status: state.status,
          case: await caseViewWithFiles(deps.db, state),
        });
      },
    );

    app.get(
      '/applications',
      {
        config: { access: 'case.list' },
        schema: {
          summary: '办件列表（按状态）',
          querystring: Type.Object(
            {
              status: Type.Optional(Type.String({ maxLength: 32 })),
              applicantIdNumber: Type.Optional(Type.String({ maxLength: 40 })),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(CaseListRow) },
        },
      },
      async (request) => {
        const filters: SQL[] = [];
        if (request.query.status) filters.push(eq(cases.status, request.query.status));
        if (request.query.applicantIdNumber) filters.push(eq(cases.applicantIdNumber, request.query.applicantIdNumber));
        const rows = await deps.db
          .select({
            caseNo: cases.caseNo,
            status: cases.status,
            applicantName: cases.applicantName,
            window: cases.window,
            receivedAt: cases.receivedAt,
            acceptedOn: cases.acceptedOn,
            statutoryDue: cases.statutoryDue,
            promisedDue: cases.promisedDue,
            urgent: cases.urgent,
          })
          .from(cases)
          .where(filters.length ? and(...filters) : undefined)
          .orderBy(desc(cases.receivedAt))
          .limit(request.query.limit ?? 100);
        return rows;
      },
    );

    app.get(
      '/applications/:caseNo',
      {
        config: { access: 'case.read' },
        schema: {
          summary: '办件详情：工作人员含事件日志（查阅留痕）；申请人凭查询码（X-Query-Code）',
          params: CaseNoParams,
          querystring: CaseReadQuery,
          response: { 200: CaseRecord, ...errors(403, 404) },
        },
      },
      async (request) => {
        const { state, staff } = await readCase(
          app,
          deps,
          request,
          request.params.caseNo,
          'record',
          (no) => loadCase(deps.db, no),
          request.query.queryCode,
        );
        const view = await caseViewWithFiles(deps.db, state);
        if (!staff) return view;
        return forReader(staff, { ...view, events: await loadEvents(deps.db, state.caseNo) });
      },
    );

    app.get(
      '/applications/:caseNo/state',
      {
        config: { access: 'case.read' },
        schema: {
          summary: '办件实时状态（直接查询该办件的工作流）',
          params: CaseNoParams,
          querystring: CaseReadQuery,
          response: { 200: CaseView, ...errors(403, 404, 503) },
        },
      },
      async (request) => {
        const { state, staff } = await readCase(
          app,
          deps,
          request,
          request.params.caseNo,
          'state',
          (no) => queryCase(deps, no),
          request.query.queryCode,
        );
        return forReader(staff, await caseViewWithFiles(deps.db, state));
      },
    );

    app.post(
      '/applications/:caseNo/acceptance',
      {
        config: { access: 'case.accept' },
        schema: {
          summary: '受理决定：受理 / 不予受理 / 一次性告知补正',
          params: CaseNoParams,
          body: AcceptanceBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        // The pattern lets 2027-02-30 or 2099-13-45 through: the rules would accept it and the case's timers break.
        if (request.body.deficienciesDue) calendarDate(request.body.deficienciesDue, 'deficienciesDue');
        const { state } = await commandCase(deps, request, request.params.caseNo, 'decideAcceptance', request.body);
        return caseView(state);
      },
    );

    app.post(
      '/applications/:caseNo/supplements',
      {
        config: { access: 'case.supply' },
        schema: {
          summary: '补正材料：申请人凭查询码在线补正，或窗口代为补正',
          params: CaseNoParams,
          body: SupplementBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const { queryCode, materials, ...body } = request.body;
        const { caseNo } = request.params;
        await applicantOrClerk(app, deps, request, caseNo, queryCode);
        const entries = materialEntries(materials);
        const seenAt = entries.findIndex((e) => e.originalSeen);
        if (seenAt >= 0 && !request.staff) {
          throw new ApiError(
            403,
            'original_seen_clerk_only',
            '原件核验只能由窗口工作人员标记',
            `materials[${seenAt}].originalSeen`,
          );
        }
        // The applicant names what they uploaded for this case; a clerk their own scans or the applicant's uploads.
        const owner = request.staff ? { username: request.staff.username, caseNo } : { caseNo };
        const handedIn = await resolveMaterials(deps.db, materials, owner, caseNo);
        const { state } = await commandCase(deps, request, caseNo, 'supplyMaterials', {
          ...body,
          materials: handedIn.materials,
          ...handedInFields(handedIn),
        });
        await attachHandedIn(deps.db, caseNo, handedIn);
        return caseViewWithFiles(deps.db, state);
      },
    );

    app.post(
      '/applications/:caseNo/materials/:code/original-seen',
      {
        config: { access: 'case.original_seen' },
        schema: {
          summary: '原件已核：窗口工作人员核验已提交材料的原件',
          params: CaseMaterialParams,
          body: Type.Optional(OriginalSeenBody),
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const { state } = await commandCase(deps, request, request.params.caseNo, 'markOriginalSeen', {
          material: request.params.code,
        });
        return caseViewWithFiles(deps.db, state);
      },
    );

    app.post(
      '/applications/:caseNo/withdrawal',
      {
        config: { access: 'case.withdraw' },
        schema: {
          summary: '撤回申请：申请人凭查询码，或窗口代为办理',
          params: CaseNoParams,
          body: WithdrawalBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const { queryCode, ...body } = request.body ?? {};
        await applicantOrClerk(app, deps, request, request.params.caseNo, queryCode);
        return answerView(await commandCase(deps, request, request.params.caseNo, 'withdraw', body));
      },
    );

    app.post(
      '/applications/:caseNo/extensions',
      {
        config: { access: 'extension.request' },
        schema: {
          summary: '承办部门申请延长审查期限',
          params: CaseNoParams,
          body: ExtensionRequestBody,
          headers: IdempotencyHeaders,
          response: { 201: RequestedExtension, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request, reply) => {
        const acting = actingDepartment(staffOf(request), request.body.department);
        const { state, created } = await commandCase(
          deps,
          request,
          request.params.caseNo,
          'requestExtension',
          request.body,
          { acting },
        );
        return reply
          .status(201)
          .send({ extension: state.extensions.find((x) => x.id === created), case: caseView(state) });
      },
    );

    app.post(
      '/applications/:caseNo/extensions/:id/approval',
      {
        config: { access: 'extension.decide' },
        schema: {
          summary: '部门负责人审批延期（仅限本部门的延期申请）',
          params: ExtensionParams,
          body: ExtensionApprovalBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) =>
        answerView(
          await commandCase(deps, request, request.params.caseNo, 'decideExtension', {
            extensionId: request.params.id,
            ...request.body,
            department: staffOf(request).department ?? '',
          }),
        ),
    );

    app.post(
      '/applications/:caseNo/urgent',
      {
        config: { access: 'case.urgent' },
        schema: {
          summary: '电子监察：标记急办件（各部门优先办理）',
          params: CaseNoParams,
          body: UrgentBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) =>
        answerView(await commandCase(deps, request, request.params.caseNo, 'markUrgent', request.body)),
    );

    app.post(
      '/applications/:caseNo/delivery',
      {
        config: { access: 'case.deliver' },
        schema: {
          summary: '证照送达：窗口领取或邮寄',
          params: CaseNoParams,
          body: DeliveryBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => answerView(await commandCase(deps, request, request.params.caseNo, 'deliver', request.body)),
    );
  };
