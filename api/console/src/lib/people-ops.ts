import { graphql } from '../gql';

export const UnmergeDoc = graphql(`
  mutation Unmerge($auditEventId: ID!) {
    unmerge(auditEventId: $auditEventId) {
      survivor { id displayName }
      duplicate { id displayName status }
      userErrors { field message code }
    }
  }
`);

export const ArchiveDoc = graphql(`
  mutation ArchivePeople($ids: [ID!]!, $override: Boolean) {
    archivePeople(ids: $ids, override: $override) {
      people { id status }
      userErrors { field message code }
    }
  }
`);

export const RestoreDoc = graphql(`
  mutation RestorePeople($ids: [ID!]!) {
    restorePeople(ids: $ids) {
      people { id status }
      userErrors { field message code }
    }
  }
`);
