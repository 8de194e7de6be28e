import { Page, Empty } from '../components/common';

export default function Settings() {
  return (
    <Page title="Settings">
      <Empty>Coming soon.</Empty>
    </Page>
  );
}
