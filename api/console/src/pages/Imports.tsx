import { Page, Empty } from '../components/common';

export default function Imports() {
  return (
    <Page title="Imports">
      <Empty>Coming soon.</Empty>
    </Page>
  );
}
