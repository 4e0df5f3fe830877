import { useState } from 'react';
import { Button, Card, Checkbox, Form, Input, Radio, Space, Switch, Tag } from 'antd';
import { api, errorText, type LibraryEntry, type SubmittedCase } from '../../api.ts';
import { MaterialUpload } from '../../files/MaterialUpload.tsx';
import type { UploadedFile } from '../../files/upload.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';
import { mergedMaterials, type Choice, type Guide } from './catalogue.ts';

export type Submitted = SubmittedCase;
type HeldCertificate = LibraryEntry;

interface Values {
  type: 'person' | 'organisation';
  name: string;
  idNumber: string;
  phone?: string;
  materials?: string[];
  commitments?: string[];
}

/**
 * 收件: the applicant and the materials checklist. Materials the certificate library already holds for this holder
 * are ticked and marked 证照库已有 (the API takes them from the library itself on submission). Each material's paper
 * can be scanned or photographed into the case as it is received (uploading ticks the material), and a material whose
 * original the clerk has seen is marked 原件已核; a material ticked without files is paper only.
 */
export function ApplyForm({
  choice,
  guides,
  onSubmitted,
}: {
  choice: Choice;
  guides: Guide[];
  onSubmitted: (s: Submitted) => void;
}) {
  const [form] = Form.useForm<Values>();
  // One key per filled-in form: a double click or a retry after a timeout cannot receive the case twice.
  const { submit, error, setError, sending } = useSubmit();
  const [held, setHeld] = useState<HeldCertificate[]>([]);
  const [files, setFiles] = useState<Record<string, UploadedFile[]>>({});
  const [seen, setSeen] = useState<Set<string>>(new Set());
  const materials = mergedMaterials(guides);
  const heldNames = new Set(held.filter((c) => c.status === 'valid').map((c) => c.name));
  const inLibrary = (code: string, name: string) => heldNames.has(name) || heldNames.has(code);

  async function lookUp() {
    const idNumber = form.getFieldValue('idNumber')?.trim();
    if (!idNumber || idNumber.length < 4) return;
    try {
      const found = await api<HeldCertificate[]>(`/certificates?holder=${encodeURIComponent(idNumber)}`);
      setHeld(found);
      const names = new Set(found.filter((c) => c.status === 'valid').map((c) => c.name));
      const ticked = new Set(form.getFieldValue('materials') ?? []);
      for (const m of materials) if (names.has(m.name)) ticked.add(m.code);
      form.setFieldValue('materials', [...ticked]);
    } catch (e) {
      setError(`证照库查询失败：${errorText(e)}`);
    }
  }

  const apply = (values: Values) =>
    submit(async (key) => {
      const answer = await api<Submitted>('/applications', {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body: {
          ...(choice.kind === 'theme' ? { theme: choice.code } : { matters: choice.matterCodes }),
          applicant: {
            type: values.type,
            name: values.name.trim(),
            idNumber: values.idNumber.trim(),
            ...(values.phone?.trim() ? { phone: values.phone.trim() } : {}),
          },
          materials: (values.materials ?? []).map((code) => {
            const scanned = files[code] ?? [];
            if (scanned.length === 0) return code;
            return { code, files: scanned.map((f) => f.id), ...(seen.has(code) ? { originalSeen: true } : {}) };
          }),
          ...(values.commitments?.length ? { commitments: values.commitments } : {}),
          channel: 'window',
        },
      });
      onSubmitted(answer);
    });

  const committable = materials.filter((m) => m.commitmentAllowed);
  return (
    <Card title={`收件：${choice.name}`} size="small">
      <Form form={form} name="apply" layout="vertical" onFinish={apply} initialValues={{ type: 'organisation' }}>
        <Form.Item label="申请人类型" name="type">
          <Radio.Group
            aria-label="申请人类型"
            options={[
              { value: 'organisation', label: '法人或其他组织' },
              { value: 'person', label: '自然人' },
            ]}
          />
        </Form.Item>
        <Space wrap size={[16, 0]} align="start">
          <Form.Item
            label="申请人名称"
            name="name"
            rules={[{ required: true, whitespace: true, message: '请输入申请人名称' }]}
          >
            <Input autoComplete="off" style={{ width: 260 }} />
          </Form.Item>
          <Form.Item
            label="证件号码"
            name="idNumber"
            extra="统一社会信用代码或居民身份证号码；离开此栏即查询电子证照库"
            rules={[{ required: true, whitespace: true, message: '请输入证件号码' }]}
          >
            <Input autoComplete="off" style={{ width: 260 }} onBlur={lookUp} />
          </Form.Item>
          <Form.Item label="联系电话" name="phone">
            <Input autoComplete="off" style={{ width: 180 }} />
          </Form.Item>
        </Space>
        <Form.Item label="收取的材料" name="materials">
          <Checkbox.Group style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
            {materials.map((m) => (
              <div key={m.code}>
                <Checkbox value={m.code}>
                  {m.name}
                  {!m.required && <Tag style={{ marginLeft: 6 }}>非必需</Tag>}
                  {inLibrary(m.code, m.name) && (
                    <Tag color="#1b5e20" style={{ marginLeft: 6 }}>
                      证照库已有
                    </Tag>
                  )}
                </Checkbox>
                <MaterialUpload
                  label={m.name}
                  value={files[m.code]}
                  onChange={(list) => {
                    setFiles((f) => ({ ...f, [m.code]: list }));
                    const ticked: string[] = form.getFieldValue('materials') ?? [];
                    if (list.length > 0 && !ticked.includes(m.code))
                      form.setFieldValue('materials', [...ticked, m.code]);
                  }}
                />
                {(files[m.code]?.length ?? 0) > 0 && (
                  <label className="material-upload">
                    <Switch
                      size="small"
                      checked={seen.has(m.code)}
                      aria-label={`${m.name} 原件已核`}
                      onChange={(on) =>
                        setSeen((s) => {
                          const next = new Set(s);
                          if (on) next.add(m.code);
                          else next.delete(m.code);
                          return next;
                        })
                      }
                    />{' '}
                    原件已核
                  </label>
                )}
              </div>
            ))}
          </Checkbox.Group>
        </Form.Item>
        {committable.length > 0 && (
          <Form.Item label="以告知承诺代替的材料" name="commitments">
            <Checkbox.Group options={committable.map((m) => ({ value: m.code, label: m.name }))} />
          </Form.Item>
        )}
        <SubmitError title="提交失败" error={error} />
        <Button type="primary" htmlType="submit" loading={sending}>
          提交申请
        </Button>
      </Form>
    </Card>
  );
}
