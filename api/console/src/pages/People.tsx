import { Page, Empty } from '../components/common';

export default function People() {
  return (
    <Page title="People">
      <Empty>Coming soon.</Empty>
    </Page>
  );
}
