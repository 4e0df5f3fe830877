/** The case file (卷宗) export: one signed JSON document, checked offline by `npm run verify-export -- FILE`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiDeps } from '../app.ts';
import { buildCaseExport } from '../caseExport.ts';
import { CaseNoParams, errors } from '../schemas.ts';
import { staffOf } from '../auth/guard.ts';
import { logStaffRead } from '../auth/personalData.ts';

export const exportRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/applications/:caseNo/export',
      {
        config: { access: 'audit.export' },
        schema: {
          summary: '导出卷宗：事项、材料、带哈希的全部事件、告知书、证照及其签名、公钥、链头，并由中心签名',
          description:
            '离线校验：npm run verify-export -- FILE [--public-key PEM_FILE]。审批引擎不可用时返回 503 engine_unavailable（没有经确认的链头，卷宗无法校验）。',
          params: CaseNoParams,
          response: {
            // Any JSON: the document is sent exactly as signed, never reshaped by a serializer.
            200: { description: '卷宗（JSON，已签名）', content: { 'application/json': { schema: {} } } },
            ...errors(404, 503),
          },
        },
      },
      async (request, reply) => {
        const document = await buildCaseExport(deps, request.params.caseNo);
        // Auditors need the record whole (it is signed as it stands): the read itself is logged instead.
        await logStaffRead(deps.db, staffOf(request), document.caseNo, 'export');
        return reply
          .header('content-disposition', `attachment; filename="${document.caseNo}.case-file.json"`)
          .header('cache-control', 'no-store')
          .send(document);
      },
    );
  };
