import{A as e,C as t,D as n,F as r,R as i,T as a,Z as o,a as s,b as c,d as l,g as u,h as d,k as f,m as p,n as m,o as h,r as g,s as _,t as v,u as y,vt as b,x,yt as S}from"./index-83YUJbmz.js";import{t as C}from"./Card-C5JjUZ8l.js";import{n as w,r as T,t as E}from"./ConnectorForm-DEfhDDaz.js";var D=S(b(),1),O=o(),k=p(`
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
`),A=p(`
  mutation CreateConnector($input: CreateConnectorInput!) {
    createConnector(input: $input) {
      connector { id name }
      userErrors { field message code }
    }
  }
`);function j(){let[{data:o,fetching:p,error:b},S]=x({query:k,requestPolicy:`cache-and-network`}),[j,M]=(0,D.useState)(!1),[N,P]=c(A),[F,I]=(0,D.useState)([]),L=u(),R=y(F);return(0,O.jsxs)(s,{title:`Sync`,actions:(0,O.jsx)(n,{onClick:()=>M(e=>!e),"aria-expanded":j,"aria-controls":`new-connector`,children:`Add connector`}),children:[(0,O.jsx)(i,{expanded:j,id:`new-connector`,children:(0,O.jsxs)(C,{withBorder:!0,maw:640,children:[(0,O.jsx)(t,{order:3,size:`h4`,mb:`sm`,children:`New connector`}),(0,O.jsx)(E,{submitLabel:`Create connector`,busy:N.fetching,serverErrors:R,otherErrors:[...l(F,[`name`,`schedule`]),...N.error?[N.error.message]:[]],onSubmit:async e=>{let t=await P({input:{kind:e.kind,name:e.name,config:e.config,schedule:e.schedule||void 0}}),n=t.data?.createConnector.userErrors??[];I(n);let r=t.data?.createConnector.connector;r&&(M(!1),S({requestPolicy:`network-only`}),L(`/sync/connectors/${encodeURIComponent(r.id)}`))}})]})}),(0,O.jsx)(t,{order:3,size:`h4`,children:`Connectors`}),p&&!o?(0,O.jsx)(g,{label:`Loading connectors`}):b?(0,O.jsx)(m,{error:b}):o?.connectors.length?(0,O.jsx)(a,{gap:`sm`,children:o.connectors.map(t=>{let n=t.syncRuns.nodes[0];return(0,O.jsx)(C,{withBorder:!0,component:`section`,"aria-label":t.name,children:(0,O.jsxs)(r,{justify:`space-between`,align:`flex-start`,wrap:`wrap`,children:[(0,O.jsxs)(a,{gap:2,children:[(0,O.jsx)(f,{component:d,to:`/sync/connectors/${encodeURIComponent(t.id)}`,fw:600,children:t.name}),(0,O.jsxs)(e,{size:`sm`,c:`dimmed`,children:[w(t.kind),` · `,t.schedule?`schedule ${t.schedule}`:`no schedule`,` · last success `,_(t.lastSuccessAt)]}),(0,O.jsxs)(r,{gap:`xs`,children:[!t.enabled&&(0,O.jsx)(h,{value:`DISABLED`}),t.stale&&(0,O.jsx)(h,{value:`STALE`}),n&&(0,O.jsxs)(e,{size:`sm`,children:[`Last run:`,` `,(0,O.jsx)(f,{component:d,to:`/sync/runs/${encodeURIComponent(n.id)}`,children:_(n.createdAt)}),` `,(0,O.jsx)(h,{value:n.status}),` `,n.dryRun?`(dry run) `:``,n.errorCount,` errors, `,n.alertCount,` alerts`]})]})]}),(0,O.jsx)(T,{connector:t})]})},t.id)})}):(0,O.jsx)(v,{children:`No connectors yet. Add one to sync your SIS.`})]})}export{j as default};