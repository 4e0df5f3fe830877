/** The 办件编号 column of the window's lists: the number opens the case on the desk (in the page, no navigation). */
export const caseNoColumn = (onOpen: (caseNo: string) => void) => ({
  title: '办件编号',
  dataIndex: 'caseNo',
  render: (caseNo: string) => (
    <a
      href={`#${caseNo}`}
      onClick={(e) => {
        e.preventDefault();
        onOpen(caseNo);
      }}
    >
      {caseNo}
    </a>
  ),
});
