import{D as e,G as t,M as n,S as r,_ as i,b as a,c as o,f as s,h as c,mt as l,n as u,o as d,p as f,pt as p,r as m,s as h,x as g}from"./index-DoeTbhHF.js";import{t as _}from"./Card-Df_jG5zJ.js";import{n as v,r as y,t as b}from"./ConnectorForm-CFEY8pbF.js";import{a as x,n as S,o as C,r as w,s as T,t as E}from"./common-FfU0D2Uu.js";var D=l(p(),1),O=t(),k=d(`
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
`),A=d(`
  mutation CreateConnector($input: CreateConnectorInput!) {
    createConnector(input: $input) {
      connector { id name }
      userErrors { field message code }
    }
  }
`);function j(){let[{data:t,fetching:l,error:d},p]=f({query:k,requestPolicy:`cache-and-network`}),[j,M]=(0,D.useState)(!1),[N,P]=s(A),[F,I]=(0,D.useState)([]),L=o(),R=u(F);return(0,O.jsxs)(x,{title:`Sync`,actions:(0,O.jsx)(a,{onClick:()=>M(e=>!e),"aria-expanded":j,"aria-controls":`new-connector`,children:`Add connector`}),children:[(0,O.jsx)(n,{expanded:j,id:`new-connector`,children:(0,O.jsxs)(_,{withBorder:!0,maw:640,children:[(0,O.jsx)(c,{order:3,size:`h4`,mb:`sm`,children:`New connector`}),(0,O.jsx)(b,{submitLabel:`Create connector`,busy:N.fetching,serverErrors:R,otherErrors:[...m(F,[`name`,`schedule`,`config`,`kind`]),...N.error?[N.error.message]:[]],onSubmit:async e=>{let t=await P({input:{kind:e.kind,name:e.name,config:e.config,schedule:e.schedule||void 0}}),n=t.data?.createConnector.userErrors??[];I(n);let r=t.data?.createConnector.connector;r&&(M(!1),p({requestPolicy:`network-only`}),L(`/sync/connectors/${encodeURIComponent(r.id)}`))}})]})}),(0,O.jsx)(c,{order:3,size:`h4`,children:`Connectors`}),l&&!t?(0,O.jsx)(w,{label:`Loading connectors`}):d?(0,O.jsx)(S,{error:d}):t?.connectors.length?(0,O.jsx)(i,{gap:`sm`,children:t.connectors.map(t=>{let n=t.syncRuns.nodes[0];return(0,O.jsx)(_,{withBorder:!0,component:`section`,"aria-label":t.name,children:(0,O.jsxs)(e,{justify:`space-between`,align:`flex-start`,wrap:`wrap`,children:[(0,O.jsxs)(i,{gap:2,children:[(0,O.jsx)(g,{component:h,to:`/sync/connectors/${encodeURIComponent(t.id)}`,fw:600,children:t.name}),(0,O.jsxs)(r,{size:`sm`,c:`dimmed`,children:[v(t.kind),` · `,t.schedule?`schedule ${t.schedule}`:`no schedule`,` · last success `,T(t.lastSuccessAt)]}),(0,O.jsxs)(e,{gap:`xs`,children:[!t.enabled&&(0,O.jsx)(C,{value:`DISABLED`}),t.stale&&(0,O.jsx)(C,{value:`STALE`}),n&&(0,O.jsxs)(r,{size:`sm`,children:[`Last run:`,` `,(0,O.jsx)(g,{component:h,to:`/sync/runs/${encodeURIComponent(n.id)}`,children:T(n.createdAt)}),` `,(0,O.jsx)(C,{value:n.status}),` `,n.dryRun?`(dry run) `:``,n.errorCount,` errors, `,n.alertCount,` alerts`]})]})]}),(0,O.jsx)(y,{connector:t})]})},t.id)})}):(0,O.jsx)(E,{children:`No connectors yet. Add one to sync your SIS.`})]})}export{j as default};