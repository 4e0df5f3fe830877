/** Electronic materials (电子材料): what an upload answers. */
import Type from 'typebox';

export const FileUploaded = Type.Object(
  {
    id: Type.String({ description: '文件编号：提交或补正时按材料引用' }),
    sha256: Type.String({ description: '内容的 SHA-256（十六进制），写入办件的哈希链' }),
    contentType: Type.String({ description: '由内容判定的类型：application/pdf、image/jpeg 或 image/png' }),
    size: Type.Integer({ description: '字节数' }),
    pages: Type.Optional(Type.Integer({ description: 'PDF 的页数' })),
  },
  { additionalProperties: false, description: '已保存的电子材料' },
);
