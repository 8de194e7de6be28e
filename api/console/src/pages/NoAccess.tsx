import { Page } from '../components/common';
import { Text } from '@mantine/core';

export default function NoAccess() {
  return (
    <Page title="Nothing to manage here">
      <Text>The console is for district admins, school admins and teachers. Your role has no pages here.</Text>
    </Page>
  );
}
