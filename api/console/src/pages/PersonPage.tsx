import { Page, Empty } from '../components/common';

export default function PersonPage() {
  return (
    <Page title="PersonPage">
      <Empty>Coming soon.</Empty>
    </Page>
  );
}
