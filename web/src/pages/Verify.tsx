import { useEffect, useState } from 'react';
import { useNavigate, useParams, Link } from 'react-router';
import { Alert, Button, Descriptions, Form, Input, Result, Spin, Typography } from 'antd';
import { api, errorText, pathPart, type VerifyView } from '../api.ts';
import { formatTime } from '../labels.ts';
import { usePageTitle } from '../usePageTitle.ts';

const RESULTS: Record<VerifyView['status'], { status: 'success' | 'error' | 'warning' | 'info'; title: string }> = {
  genuine: { status: 'success', title: '真实有效' },
  altered: { status: 'error', title: '已被篡改' },
  revoked: { status: 'warning', title: '已注销' },
  unsigned: { status: 'warning', title: '无电子签名，请向发证部门核实' },
  unknown: { status: 'info', title: '未找到' },
};

export function Verify() {
  usePageTitle('证照核验');
  const { number } = useParams();
  const navigate = useNavigate();
  // The answer for one number: a change of number shows nothing stale while the next one loads.
  const [answer, setAnswer] = useState<{ number: string; view?: VerifyView; error?: string }>();

  useEffect(() => {
    if (!number) return;
    let current = true;
    api<VerifyView>(`/certificates/${pathPart(number)}/verify`).then(
      (view) => current && setAnswer({ number, view }),
      (e: unknown) => current && setAnswer({ number, error: errorText(e) }),
    );
    return () => {
      current = false;
    };
  }, [number]);

  const fresh = number !== undefined && answer?.number === number ? answer : undefined;
  const loading = number !== undefined && !fresh;
  const view = fresh?.view;
  const error = fresh?.error;
  const result = view ? RESULTS[view.status] : undefined;
  const c = view?.certificate;
  return (
    <>
      <Typography.Title level={1}>证照核验</Typography.Title>
      <Form
        name="verify"
        layout="inline"
        onFinish={(values: { number: string }) => navigate(`/verify/${pathPart(values.number)}`)}
        initialValues={{ number: number ?? '' }}
        key={number ?? ''}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item
          label="证照编号"
          name="number"
          rules={[{ required: true, whitespace: true, message: '请输入证照编号' }]}
        >
          <Input autoComplete="off" style={{ width: 260, maxWidth: '100%' }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            核验
          </Button>
        </Form.Item>
      </Form>
      {loading && <Spin aria-label="正在核验" />}
      {error && <Alert type="error" showIcon title="核验失败" description={error} />}
      {view && result && (
        <section aria-live="polite" aria-label="核验结果">
          <Result
            status={result.status}
            title={<span data-testid="verify-result">{result.title}</span>}
            subTitle={view.message}
            style={{ padding: '16px 0' }}
          />
          {c && (
            <Descriptions bordered column={{ xs: 1, sm: 1, md: 2 }} size="small" title="证照信息">
              <Descriptions.Item label="证照名称">{c.name}</Descriptions.Item>
              <Descriptions.Item label="证照编号">
                <span className="mono">{c.certificateNo}</span>
              </Descriptions.Item>
              <Descriptions.Item label="事项">{c.matter.name}</Descriptions.Item>
              <Descriptions.Item label="发证机关">{c.issuer.name}</Descriptions.Item>
              <Descriptions.Item label="持证人">
                {c.holder.name}（{c.holder.idNumber}）
              </Descriptions.Item>
              <Descriptions.Item label="签发日期">{c.issuedOn}</Descriptions.Item>
              <Descriptions.Item label="办件编号">{c.caseNo}</Descriptions.Item>
              <Descriptions.Item label="电子签名">
                {view.signature?.valid === true
                  ? '签名有效（Ed25519）'
                  : view.signature?.valid === false
                    ? '签名无效'
                    : '无签名'}
              </Descriptions.Item>
              <Descriptions.Item label="签名公钥指纹" span="filled">
                <span className="mono">{view.signature?.keyId ?? '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label="证照内容摘要" span="filled">
                <span className="mono">{view.signature?.digest ?? '—'}</span>
              </Descriptions.Item>
              {view.revocation && (
                <Descriptions.Item label="注销" span="filled">
                  {formatTime(view.revocation.at)} 由 {view.revocation.department.name} 注销：{view.revocation.reason}
                </Descriptions.Item>
              )}
            </Descriptions>
          )}
          {view.problems && view.problems.length > 0 && (
            <Alert
              style={{ marginTop: 16 }}
              type="error"
              showIcon
              title="发现的问题"
              description={
                <ul>
                  {view.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              }
            />
          )}
          <Typography.Paragraph style={{ marginTop: 16 }}>
            核验依据本中心的签发记录和电子签名；公钥见 <a href="/certificates/public-key">/certificates/public-key</a>
            。返回<Link to="/">首页</Link>。
          </Typography.Paragraph>
        </section>
      )}
    </>
  );
}
