import { Collapse, Descriptions, Tag } from 'antd';
import type { Guide } from './catalogue.ts';

/** The service guide (办事指南) of each chosen matter. */
export function GuideView({ guides }: { guides: Guide[] }) {
  return (
    <Collapse
      style={{ marginBottom: 16 }}
      defaultActiveKey={guides.length === 1 ? guides.map((g) => g.code) : []}
      items={guides.map((g) => ({
        key: g.code,
        label: `办事指南：${g.name}（${g.kindName}）`,
        children: (
          <Descriptions bordered size="small" column={1}>
            <Descriptions.Item label="实施机关">{g.guide.handlingBody}</Descriptions.Item>
            <Descriptions.Item label="承办部门">
              {g.departments.map((d) => (
                <Tag key={d.code}>
                  {d.name}
                  {d.lead ? '（牵头）' : ''}
                </Tag>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label="设定依据">{g.guide.legalBasis}</Descriptions.Item>
            <Descriptions.Item label="受理条件">{g.guide.conditions}</Descriptions.Item>
            <Descriptions.Item label="申请材料">
              <ol style={{ margin: 0, paddingLeft: 20 }}>
                {g.materials.map((m) => (
                  <li key={m.code}>
                    {m.name}
                    {m.required ? '' : '（非必需）'}
                    {m.commitmentAllowed ? '（可告知承诺）' : ''}
                  </li>
                ))}
              </ol>
            </Descriptions.Item>
            <Descriptions.Item label="办理流程">{g.guide.procedure}</Descriptions.Item>
            <Descriptions.Item label="办理时限">{g.guide.timeLimit.text}</Descriptions.Item>
            <Descriptions.Item label="办理结果">{g.guide.result.name}</Descriptions.Item>
            <Descriptions.Item label="收费">
              {g.guide.feeBasis}
              {g.guide.feeAmountYuan ? `（${g.guide.feeAmountYuan} 元）` : ''}
            </Descriptions.Item>
            <Descriptions.Item label="监督投诉">{g.guide.supervision}</Descriptions.Item>
          </Descriptions>
        ),
      }))}
    />
  );
}
