import{C as e,D as t,S as n,T as r,W as i,_ as a,b as o,dt as s,f as c,ft as l,h as u,o as d,p as f}from"./index-BzynuQhe.js";import{t as p}from"./Card-CQHKPfzR.js";import{t as m}from"./Checkbox-BBxi_jh_.js";import{t as h}from"./Progress-D9FilQCq.js";import{t as g}from"./SimpleGrid-D0w8fVUq.js";import{t as _}from"./Table-B44TFUOH.js";import{a as v,c as y,n as b,o as x,r as S,s as C,t as w}from"./common-9Zg-1sRl.js";var T=l(s(),1),E=i();d(`
  fragment ImportJobFields on ImportJob {
    id
    state
    progress
    dryRun
    onlyValidRows
    invite
    fileName
    message
    createdAt
    finishedAt
    counts {
      totalRows
      validRows
      invalidRows
      processed
      planned { created kindChanged restored unchanged }
      applied { created kindChanged restored unchanged }
    }
    errors(first: 500) { row field code message }
    preview(first: 200) {
      hasMore
      counts { created kindChanged restored unchanged }
      rows { row parentEmail student kind oldKind change }
    }
  }
`);var D=d(`
  mutation ImportRelationships($file: Upload!, $dryRun: Boolean, $onlyValidRows: Boolean, $invite: Boolean) {
    importRelationships(file: $file, dryRun: $dryRun, onlyValidRows: $onlyValidRows, invite: $invite) {
      ...ImportJobFields
    }
  }
`),O=d(`
  query ImportJob($id: ID!) {
    importJob(id: $id) { ...ImportJobFields }
  }
`),k=d(`
  query ImportJobs {
    importJobs(first: 10) {
      nodes { id state fileName dryRun createdAt finishedAt message counts { totalRows validRows invalidRows } }
    }
  }
`),A=[`QUEUED`,`RUNNING`];function j(){let[e,i]=(0,T.useState)(null),[s,l]=(0,T.useState)(!1),[d,f]=(0,T.useState)(!1),[h,g]=(0,T.useState)(null),[_,y]=(0,T.useState)(null),[b,x]=(0,T.useState)(null),[S,C]=c(D),[w,O]=(0,T.useState)(0),k=(0,T.useCallback)(()=>O(e=>e+1),[]);async function A(){if(y(null),g(null),!e){x(`Choose a CSV file first.`);return}x(null);let t=await C({file:e,dryRun:!0,onlyValidRows:s,invite:d});t.data?g(t.data.importRelationships):t.error&&x(t.error.graphQLErrors[0]?.message??t.error.message)}async function j(){if(!e)return;let t=await C({file:e,dryRun:!1,onlyValidRows:s,invite:d});t.data?y(t.data.importRelationships.id):t.error&&x(t.error.graphQLErrors[0]?.message??t.error.message)}let F=!!h&&h.counts.validRows>0&&(h.counts.invalidRows===0||s);return(0,E.jsxs)(v,{title:`Imports`,children:[(0,E.jsxs)(p,{withBorder:!0,children:[(0,E.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Relationship spreadsheet`}),(0,E.jsxs)(n,{size:`sm`,mb:`sm`,children:[`A CSV with the columns `,(0,E.jsx)(`code`,{children:`parent_email`}),`, `,(0,E.jsx)(`code`,{children:`student_email`}),` or `,(0,E.jsx)(`code`,{children:`student_id`}),`, and`,` `,(0,E.jsx)(`code`,{children:`relationship_type`}),`. Every row is checked and previewed before anything is imported.`]}),(0,E.jsxs)(a,{gap:`sm`,maw:560,children:[(0,E.jsx)(r.Wrapper,{label:`Spreadsheet (CSV)`,id:`import-file`,error:b,description:`UTF-8, with a header row`,children:(0,E.jsx)(`input`,{id:`import-file`,className:`file-input`,type:`file`,accept:`.csv,text/csv`,"aria-invalid":b?!0:void 0,"aria-describedby":b?`import-file-error`:`import-file-description`,onChange:e=>{i(e.currentTarget.files?.[0]??null),x(null),g(null),y(null)}})}),(0,E.jsx)(m,{label:`Import the valid rows even if some are invalid`,checked:s,onChange:e=>l(e.currentTarget.checked)}),(0,E.jsx)(m,{label:`Invite the imported families`,checked:d,onChange:e=>f(e.currentTarget.checked)}),(0,E.jsxs)(t,{children:[(0,E.jsx)(o,{onClick:A,loading:S.fetching&&!_&&!h,children:`Validate`}),(0,E.jsx)(o,{onClick:j,disabled:!F||!!_,variant:F?`filled`:`default`,children:`Import`})]}),h&&!F&&h.counts.invalidRows>0&&!s&&(0,E.jsx)(n,{size:`sm`,children:`Fix the invalid rows, or tick “Import the valid rows even if some are invalid”, to import.`})]})]}),_?(0,E.jsx)(M,{id:_,onDone:k}):h&&(0,E.jsx)(N,{job:h}),(0,E.jsx)(P,{},`${_??`none`}:${w}`)]})}function M({id:e,onDone:r}){let[{data:i,error:a},o]=f({query:O,variables:{id:e},requestPolicy:`network-only`}),s=i?.importJob,c=!s||A.includes(s.state);return(0,T.useEffect)(()=>{if(!c)return;let e=setInterval(()=>o({requestPolicy:`network-only`}),1e3);return()=>clearInterval(e)},[c,o]),(0,T.useEffect)(()=>{c||r()},[c,r]),a?(0,E.jsx)(b,{error:a}):s?(0,E.jsxs)(p,{withBorder:!0,children:[(0,E.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Import`}),(0,E.jsxs)(t,{gap:`sm`,mb:`xs`,children:[(0,E.jsx)(`span`,{"data-testid":`import-state`,children:(0,E.jsx)(x,{value:s.state})}),(0,E.jsx)(n,{size:`sm`,children:s.message})]}),(0,E.jsx)(h,{value:Math.round(s.progress*100),"aria-label":`Import progress`,animated:c}),(0,E.jsxs)(n,{size:`sm`,mt:`xs`,role:`status`,"aria-live":`polite`,children:[s.counts.processed,` of `,s.counts.validRows,` valid rows applied · `,s.counts.applied.created,` new links,`,` `,s.counts.applied.kindChanged,` kind changes, `,s.counts.applied.restored,` restored`]})]}):(0,E.jsx)(S,{label:`Starting the import`})}function N({job:r}){let i=r.counts;return(0,E.jsxs)(g,{cols:{base:1},children:[(0,E.jsxs)(p,{withBorder:!0,children:[(0,E.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Validation`}),(0,E.jsxs)(t,{gap:`lg`,mb:`xs`,role:`status`,children:[(0,E.jsxs)(n,{children:[i.totalRows,` rows`]}),(0,E.jsxs)(n,{"data-testid":`valid-rows`,children:[i.validRows,` valid`]}),(0,E.jsxs)(n,{"data-testid":`invalid-rows`,c:i.invalidRows?`red.9`:void 0,fw:i.invalidRows?700:void 0,children:[i.invalidRows,` invalid`]})]}),r.message&&(0,E.jsx)(e,{color:r.state===`REJECTED`?`red`:`blue`,mb:`sm`,children:r.message}),r.errors.length>0&&(0,E.jsx)(_.ScrollContainer,{minWidth:520,children:(0,E.jsxs)(_,{striped:!0,"aria-label":`Invalid rows`,children:[(0,E.jsx)(_.Thead,{children:(0,E.jsxs)(_.Tr,{children:[(0,E.jsx)(_.Th,{children:`Row`}),(0,E.jsx)(_.Th,{children:`Column`}),(0,E.jsx)(_.Th,{children:`Code`}),(0,E.jsx)(_.Th,{children:`Reason`})]})}),(0,E.jsx)(_.Tbody,{children:r.errors.map((e,t)=>(0,E.jsxs)(_.Tr,{children:[(0,E.jsx)(_.Td,{children:e.row??`file`}),(0,E.jsx)(_.Td,{children:e.field??`—`}),(0,E.jsx)(_.Td,{children:e.code}),(0,E.jsx)(_.Td,{children:e.message})]},t))})]})})]}),(0,E.jsxs)(p,{withBorder:!0,children:[(0,E.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Preview`}),(0,E.jsxs)(n,{mb:`xs`,children:[r.preview.counts.created,` new links · `,r.preview.counts.kindChanged,` kind changes · `,r.preview.counts.restored,` restored ·`,` `,r.preview.counts.unchanged,` already present`]}),r.preview.rows.length===0?(0,E.jsx)(w,{children:`Importing this file changes nothing.`}):(0,E.jsx)(_.ScrollContainer,{minWidth:520,children:(0,E.jsxs)(_,{striped:!0,"aria-label":`Preview`,children:[(0,E.jsx)(_.Thead,{children:(0,E.jsxs)(_.Tr,{children:[(0,E.jsx)(_.Th,{children:`Row`}),(0,E.jsx)(_.Th,{children:`Parent email`}),(0,E.jsx)(_.Th,{children:`Student`}),(0,E.jsx)(_.Th,{children:`Relationship`}),(0,E.jsx)(_.Th,{children:`Change`})]})}),(0,E.jsx)(_.Tbody,{children:r.preview.rows.map(e=>(0,E.jsxs)(_.Tr,{children:[(0,E.jsx)(_.Td,{children:e.row}),(0,E.jsx)(_.Td,{children:e.parentEmail}),(0,E.jsx)(_.Td,{children:e.student}),(0,E.jsx)(_.Td,{children:e.oldKind?`${y(e.oldKind)} → ${y(e.kind)}`:y(e.kind)}),(0,E.jsx)(_.Td,{children:y(e.change)})]},e.row))})]})}),r.preview.hasMore&&(0,E.jsx)(n,{size:`sm`,mt:`xs`,children:`The preview shows the first 200 changes.`})]})]})}function P(){let[{data:e,fetching:t,error:r}]=f({query:k,variables:{},requestPolicy:`cache-and-network`});return(0,E.jsxs)(p,{withBorder:!0,children:[(0,E.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Recent imports`}),t&&!e?(0,E.jsx)(S,{label:`Loading imports`}):r?(0,E.jsx)(b,{error:r}):e?.importJobs.nodes.length?(0,E.jsx)(_.ScrollContainer,{minWidth:520,children:(0,E.jsxs)(_,{striped:!0,"aria-label":`Recent imports`,children:[(0,E.jsx)(_.Thead,{children:(0,E.jsxs)(_.Tr,{children:[(0,E.jsx)(_.Th,{children:`When`}),(0,E.jsx)(_.Th,{children:`File`}),(0,E.jsx)(_.Th,{children:`State`}),(0,E.jsx)(_.Th,{children:`Rows`})]})}),(0,E.jsx)(_.Tbody,{children:e.importJobs.nodes.map(e=>(0,E.jsxs)(_.Tr,{children:[(0,E.jsx)(_.Td,{children:C(e.createdAt)}),(0,E.jsx)(_.Td,{children:e.fileName??`—`}),(0,E.jsxs)(_.Td,{children:[(0,E.jsx)(x,{value:e.state}),` `,e.dryRun?(0,E.jsx)(n,{span:!0,size:`xs`,children:`(check only)`}):null]}),(0,E.jsxs)(_.Td,{children:[e.counts.validRows,` valid, `,e.counts.invalidRows,` invalid`]})]},e.id))})]})}):(0,E.jsx)(w,{children:`No imports yet.`})]})}export{N as JobReport,j as default};