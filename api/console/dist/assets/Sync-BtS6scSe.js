import{D as e,S as t,W as n,_ as r,b as i,c as a,dt as o,f as s,ft as c,h as l,j as u,n as d,o as f,p,r as m,s as h,x as g}from"./index-BzynuQhe.js";import{t as _}from"./Card-CQHKPfzR.js";import{n as v,r as y,t as b}from"./ConnectorForm-BQKSXBoE.js";import{a as x,n as S,o as C,r as w,s as T,t as E}from"./common-9Zg-1sRl.js";var D=c(o(),1),O=n(),k=f(`
  query Connectors {
    connectors {
      id
      name
      kind
      schedule
      enabled
      stale
      lastSuccessAt
      syncRuns(first: 1) {
        nodes { id status dryRun createdAt finishedAt errorCount alertCount }
      }
    }
  }
`),A=f(`
  mutation CreateConnector($input: CreateConnectorInput!) {
    createConnector(input: $input) {
      connector { id name }
      userErrors { field message code }
    }
  }
`);function j(){let[{data:n,fetching:o,error:c},f]=p({query:k,requestPolicy:`cache-and-network`}),[j,M]=(0,D.useState)(!1),[N,P]=s(A),[F,I]=(0,D.useState)([]),L=a(),R=d(F);return(0,O.jsxs)(x,{title:`Sync`,actions:(0,O.jsx)(i,{onClick:()=>M(e=>!e),"aria-expanded":j,"aria-controls":`new-connector`,children:`Add connector`}),children:[(0,O.jsx)(u,{expanded:j,id:`new-connector`,children:(0,O.jsxs)(_,{withBorder:!0,maw:640,children:[(0,O.jsx)(l,{order:3,size:`h4`,mb:`sm`,children:`New connector`}),(0,O.jsx)(b,{submitLabel:`Create connector`,busy:N.fetching,serverErrors:R,otherErrors:[...m(F,[`name`,`schedule`]),...N.error?[N.error.message]:[]],onSubmit:async e=>{let t=await P({input:{kind:e.kind,name:e.name,config:e.config,schedule:e.schedule||void 0}}),n=t.data?.createConnector.userErrors??[];I(n);let r=t.data?.createConnector.connector;r&&(M(!1),f({requestPolicy:`network-only`}),L(`/sync/connectors/${encodeURIComponent(r.id)}`))}})]})}),(0,O.jsx)(l,{order:3,size:`h4`,children:`Connectors`}),o&&!n?(0,O.jsx)(w,{label:`Loading connectors`}):c?(0,O.jsx)(S,{error:c}):n?.connectors.length?(0,O.jsx)(r,{gap:`sm`,children:n.connectors.map(n=>{let i=n.syncRuns.nodes[0];return(0,O.jsx)(_,{withBorder:!0,component:`section`,"aria-label":n.name,children:(0,O.jsxs)(e,{justify:`space-between`,align:`flex-start`,wrap:`wrap`,children:[(0,O.jsxs)(r,{gap:2,children:[(0,O.jsx)(g,{component:h,to:`/sync/connectors/${encodeURIComponent(n.id)}`,fw:600,children:n.name}),(0,O.jsxs)(t,{size:`sm`,c:`dimmed`,children:[v(n.kind),` · `,n.schedule?`schedule ${n.schedule}`:`no schedule`,` · last success `,T(n.lastSuccessAt)]}),(0,O.jsxs)(e,{gap:`xs`,children:[!n.enabled&&(0,O.jsx)(C,{value:`DISABLED`}),n.stale&&(0,O.jsx)(C,{value:`STALE`}),i&&(0,O.jsxs)(t,{size:`sm`,children:[`Last run:`,` `,(0,O.jsx)(g,{component:h,to:`/sync/runs/${encodeURIComponent(i.id)}`,children:T(i.createdAt)}),` `,(0,O.jsx)(C,{value:i.status}),` `,i.dryRun?`(dry run) `:``,i.errorCount,` errors, `,i.alertCount,` alerts`]})]})]}),(0,O.jsx)(y,{connector:n})]})},n.id)})}):(0,O.jsx)(E,{children:`No connectors yet. Add one to sync your SIS.`})]})}export{j as default};