import { Page, Empty } from '../components/common';

export default function Audit() {
  return (
    <Page title="Audit">
      <Empty>Coming soon.</Empty>
    </Page>
  );
}
