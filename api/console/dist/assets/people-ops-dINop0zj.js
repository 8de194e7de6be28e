import{m as e}from"./index-83YUJbmz.js";var t=e(`
  mutation Unmerge($auditEventId: ID!) {
    unmerge(auditEventId: $auditEventId) {
      survivor { id displayName }
      duplicate { id displayName status }
      userErrors { field message code }
    }
  }
`),n=e(`
  mutation ArchivePeople($ids: [ID!]!, $override: Boolean) {
    archivePeople(ids: $ids, override: $override) {
      people { id status }
      userErrors { field message code }
    }
  }
`),r=e(`
  mutation RestorePeople($ids: [ID!]!) {
    restorePeople(ids: $ids) {
      people { id status }
      userErrors { field message code }
    }
  }
`);export{r as n,t as r,n as t};