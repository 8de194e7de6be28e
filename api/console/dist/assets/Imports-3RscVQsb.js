import{A as e,C as t,D as n,F as r,N as i,T as a,Z as o,a as s,b as c,c as l,j as u,m as d,n as f,o as p,r as m,s as h,t as g,vt as _,x as v,yt as y}from"./index-83YUJbmz.js";import{t as b}from"./Card-C5JjUZ8l.js";import{t as x}from"./Checkbox-BIyRmPsK.js";import{t as S}from"./Progress-ac6P02AD.js";import{t as C}from"./SimpleGrid-CaafXYMs.js";import{t as w}from"./Table-C6Lbetwx.js";var T=y(_(),1),E=o();d(`
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
`),A=[`QUEUED`,`RUNNING`];function j(){let[o,l]=(0,T.useState)(null),[u,d]=(0,T.useState)(!1),[f,p]=(0,T.useState)(!1),[m,h]=(0,T.useState)(null),[g,_]=(0,T.useState)(null),[v,y]=(0,T.useState)(null),[S,C]=c(D),[w,O]=(0,T.useState)(0),k=(0,T.useCallback)(()=>O(e=>e+1),[]);async function A(){if(_(null),h(null),!o){y(`Choose a CSV file first.`);return}y(null);let e=await C({file:o,dryRun:!0,onlyValidRows:u,invite:f});e.data?h(e.data.importRelationships):e.error&&y(e.error.graphQLErrors[0]?.message??e.error.message)}async function j(){if(!o)return;let e=await C({file:o,dryRun:!1,onlyValidRows:u,invite:f});e.data?_(e.data.importRelationships.id):e.error&&y(e.error.graphQLErrors[0]?.message??e.error.message)}let F=!!m&&m.counts.validRows>0&&(m.counts.invalidRows===0||u);return(0,E.jsxs)(s,{title:`Imports`,children:[(0,E.jsxs)(b,{withBorder:!0,children:[(0,E.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Relationship spreadsheet`}),(0,E.jsxs)(e,{size:`sm`,mb:`sm`,children:[`A CSV with the columns `,(0,E.jsx)(`code`,{children:`parent_email`}),`, `,(0,E.jsx)(`code`,{children:`student_email`}),` or `,(0,E.jsx)(`code`,{children:`student_id`}),`, and`,` `,(0,E.jsx)(`code`,{children:`relationship_type`}),`. Every row is checked and previewed before anything is imported.`]}),(0,E.jsxs)(a,{gap:`sm`,maw:560,children:[(0,E.jsx)(i.Wrapper,{label:`Spreadsheet (CSV)`,id:`import-file`,error:v,description:`UTF-8, with a header row`,children:(0,E.jsx)(`input`,{id:`import-file`,className:`file-input`,type:`file`,accept:`.csv,text/csv`,"aria-invalid":v?!0:void 0,"aria-describedby":v?`import-file-error`:`import-file-description`,onChange:e=>{l(e.currentTarget.files?.[0]??null),y(null),h(null),_(null)}})}),(0,E.jsx)(x,{label:`Import the valid rows even if some are invalid`,checked:u,onChange:e=>d(e.currentTarget.checked)}),(0,E.jsx)(x,{label:`Invite the imported families`,checked:f,onChange:e=>p(e.currentTarget.checked)}),(0,E.jsxs)(r,{children:[(0,E.jsx)(n,{onClick:A,loading:S.fetching&&!g&&!m,children:`Validate`}),(0,E.jsx)(n,{onClick:j,disabled:!F||!!g,variant:F?`filled`:`default`,children:`Import`})]}),m&&!F&&m.counts.invalidRows>0&&!u&&(0,E.jsx)(e,{size:`sm`,children:`Fix the invalid rows, or tick “Import the valid rows even if some are invalid”, to import.`})]})]}),g?(0,E.jsx)(M,{id:g,onDone:k}):m&&(0,E.jsx)(N,{job:m}),(0,E.jsx)(P,{},`${g??`none`}:${w}`)]})}function M({id:n,onDone:i}){let[{data:a,error:o},s]=v({query:O,variables:{id:n},requestPolicy:`network-only`}),c=a?.importJob,l=!c||A.includes(c.state);return(0,T.useEffect)(()=>{if(!l)return;let e=setInterval(()=>s({requestPolicy:`network-only`}),1e3);return()=>clearInterval(e)},[l,s]),(0,T.useEffect)(()=>{l||i()},[l,i]),o?(0,E.jsx)(f,{error:o}):c?(0,E.jsxs)(b,{withBorder:!0,children:[(0,E.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Import`}),(0,E.jsxs)(r,{gap:`sm`,mb:`xs`,children:[(0,E.jsx)(`span`,{"data-testid":`import-state`,children:(0,E.jsx)(p,{value:c.state})}),(0,E.jsx)(e,{size:`sm`,children:c.message})]}),(0,E.jsx)(S,{value:Math.round(c.progress*100),"aria-label":`Import progress`,animated:l}),(0,E.jsxs)(e,{size:`sm`,mt:`xs`,role:`status`,"aria-live":`polite`,children:[c.counts.processed,` of `,c.counts.validRows,` valid rows applied · `,c.counts.applied.created,` new links,`,` `,c.counts.applied.kindChanged,` kind changes, `,c.counts.applied.restored,` restored`]})]}):(0,E.jsx)(m,{label:`Starting the import`})}function N({job:n}){let i=n.counts;return(0,E.jsxs)(C,{cols:{base:1},children:[(0,E.jsxs)(b,{withBorder:!0,children:[(0,E.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Validation`}),(0,E.jsxs)(r,{gap:`lg`,mb:`xs`,role:`status`,children:[(0,E.jsxs)(e,{children:[i.totalRows,` rows`]}),(0,E.jsxs)(e,{"data-testid":`valid-rows`,children:[i.validRows,` valid`]}),(0,E.jsxs)(e,{"data-testid":`invalid-rows`,c:i.invalidRows?`red.9`:void 0,fw:i.invalidRows?700:void 0,children:[i.invalidRows,` invalid`]})]}),n.message&&(0,E.jsx)(u,{color:n.state===`REJECTED`?`red`:`blue`,mb:`sm`,children:n.message}),n.errors.length>0&&(0,E.jsx)(w.ScrollContainer,{minWidth:520,children:(0,E.jsxs)(w,{striped:!0,"aria-label":`Invalid rows`,children:[(0,E.jsx)(w.Thead,{children:(0,E.jsxs)(w.Tr,{children:[(0,E.jsx)(w.Th,{children:`Row`}),(0,E.jsx)(w.Th,{children:`Column`}),(0,E.jsx)(w.Th,{children:`Code`}),(0,E.jsx)(w.Th,{children:`Reason`})]})}),(0,E.jsx)(w.Tbody,{children:n.errors.map((e,t)=>(0,E.jsxs)(w.Tr,{children:[(0,E.jsx)(w.Td,{children:e.row??`file`}),(0,E.jsx)(w.Td,{children:e.field??`—`}),(0,E.jsx)(w.Td,{children:e.code}),(0,E.jsx)(w.Td,{children:e.message})]},t))})]})})]}),(0,E.jsxs)(b,{withBorder:!0,children:[(0,E.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Preview`}),(0,E.jsxs)(e,{mb:`xs`,children:[n.preview.counts.created,` new links · `,n.preview.counts.kindChanged,` kind changes · `,n.preview.counts.restored,` restored ·`,` `,n.preview.counts.unchanged,` already present`]}),n.preview.rows.length===0?(0,E.jsx)(g,{children:`Importing this file changes nothing.`}):(0,E.jsx)(w.ScrollContainer,{minWidth:520,children:(0,E.jsxs)(w,{striped:!0,"aria-label":`Preview`,children:[(0,E.jsx)(w.Thead,{children:(0,E.jsxs)(w.Tr,{children:[(0,E.jsx)(w.Th,{children:`Row`}),(0,E.jsx)(w.Th,{children:`Parent email`}),(0,E.jsx)(w.Th,{children:`Student`}),(0,E.jsx)(w.Th,{children:`Relationship`}),(0,E.jsx)(w.Th,{children:`Change`})]})}),(0,E.jsx)(w.Tbody,{children:n.preview.rows.map(e=>(0,E.jsxs)(w.Tr,{children:[(0,E.jsx)(w.Td,{children:e.row}),(0,E.jsx)(w.Td,{children:e.parentEmail}),(0,E.jsx)(w.Td,{children:e.student}),(0,E.jsx)(w.Td,{children:e.oldKind?`${l(e.oldKind)} → ${l(e.kind)}`:l(e.kind)}),(0,E.jsx)(w.Td,{children:l(e.change)})]},e.row))})]})}),n.preview.hasMore&&(0,E.jsx)(e,{size:`sm`,mt:`xs`,children:`The preview shows the first 200 changes.`})]})]})}function P(){let[{data:n,fetching:r,error:i}]=v({query:k,variables:{},requestPolicy:`cache-and-network`});return(0,E.jsxs)(b,{withBorder:!0,children:[(0,E.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Recent imports`}),r&&!n?(0,E.jsx)(m,{label:`Loading imports`}):i?(0,E.jsx)(f,{error:i}):n?.importJobs.nodes.length?(0,E.jsx)(w.ScrollContainer,{minWidth:520,children:(0,E.jsxs)(w,{striped:!0,"aria-label":`Recent imports`,children:[(0,E.jsx)(w.Thead,{children:(0,E.jsxs)(w.Tr,{children:[(0,E.jsx)(w.Th,{children:`When`}),(0,E.jsx)(w.Th,{children:`File`}),(0,E.jsx)(w.Th,{children:`State`}),(0,E.jsx)(w.Th,{children:`Rows`})]})}),(0,E.jsx)(w.Tbody,{children:n.importJobs.nodes.map(t=>(0,E.jsxs)(w.Tr,{children:[(0,E.jsx)(w.Td,{children:h(t.createdAt)}),(0,E.jsx)(w.Td,{children:t.fileName??`—`}),(0,E.jsxs)(w.Td,{children:[(0,E.jsx)(p,{value:t.state}),` `,t.dryRun?(0,E.jsx)(e,{span:!0,size:`xs`,children:`(check only)`}):null]}),(0,E.jsxs)(w.Td,{children:[t.counts.validRows,` valid, `,t.counts.invalidRows,` invalid`]})]},t.id))})]})}):(0,E.jsx)(g,{children:`No imports yet.`})]})}export{N as JobReport,j as default};