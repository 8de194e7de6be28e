import{A as e,C as t,D as n,F as r,T as i,Z as a,_ as o,a as s,b as c,d as l,h as u,k as d,m as f,n as p,o as m,r as h,s as g,t as _,u as v,vt as y,x as b,yt as x}from"./index-83YUJbmz.js";import{t as S}from"./Card-C5JjUZ8l.js";import{t as C}from"./NativeSelect-CVfpAE4X.js";import{t as w}from"./SimpleGrid-CaafXYMs.js";import{t as T}from"./Table-C6Lbetwx.js";import{n as E,r as D,t as O}from"./ConnectorForm-DEfhDDaz.js";var k=x(y(),1),A=a(),j=f(`
  query ConnectorPage($id: ID!, $after: String) {
    connector(id: $id) {
      id
      name
      kind
      config
      secretFieldsSet
      schedule
      enabled
      stale
      lastSuccessAt
      syncRuns(first: 20, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id status mode dryRun createdAt startedAt finishedAt errorCount alertCount message }
      }
    }
  }
`),M=f(`
  mutation UpdateConnector($input: UpdateConnectorInput!) {
    updateConnector(input: $input) {
      connector { id name schedule enabled config secretFieldsSet }
      userErrors { field message code }
    }
  }
`),N=f(`
  mutation DisableConnector($id: ID!) {
    disableConnector(id: $id) {
      connector { id enabled }
      userErrors { field message code }
    }
  }
`);function P(){let{id:a=``}=o(),[{data:f,fetching:y,error:x}]=b({query:j,variables:{id:a},requestPolicy:`cache-and-network`}),[P,F]=(0,k.useState)(`FULL`),[I,L]=c(M),[R,z]=c(N),[B,V]=(0,k.useState)([]),[H,U]=(0,k.useState)(!1);if(y&&!f)return(0,A.jsx)(h,{label:`Loading the connector`});if(x)return(0,A.jsx)(p,{error:x});let W=f?.connector;if(!W)return(0,A.jsx)(s,{title:`Connector not found`,children:(0,A.jsx)(_,{children:`This connector does not exist.`})});let G=v(B);return(0,A.jsxs)(s,{title:W.name,children:[(0,A.jsxs)(e,{c:`dimmed`,children:[E(W.kind),` · last success `,g(W.lastSuccessAt)]}),(0,A.jsxs)(r,{gap:`xs`,children:[(0,A.jsx)(m,{value:W.enabled?`ENABLED`:`DISABLED`}),W.stale&&(0,A.jsx)(m,{value:`STALE`})]}),(0,A.jsxs)(S,{withBorder:!0,children:[(0,A.jsx)(t,{order:3,size:`h4`,mb:`sm`,children:`Run`}),(0,A.jsxs)(r,{align:`flex-end`,gap:`sm`,children:[(0,A.jsx)(C,{label:`Mode`,value:P,onChange:e=>F(e.currentTarget.value),data:[{value:`FULL`,label:`Full snapshot`},{value:`DELTA`,label:`Changes since last sync`}]}),(0,A.jsx)(D,{connector:W,mode:P})]})]}),(0,A.jsxs)(w,{cols:{base:1,lg:2},children:[(0,A.jsxs)(S,{withBorder:!0,children:[(0,A.jsx)(t,{order:3,size:`h4`,mb:`sm`,children:`Settings`}),(0,A.jsx)(O,{initial:{kind:W.kind,name:W.name,schedule:W.schedule,config:W.config},secretFieldsSet:W.secretFieldsSet,submitLabel:`Save connector`,busy:I.fetching,serverErrors:G,otherErrors:[...l(B,[`name`,`schedule`]),...I.error?[I.error.message]:[]],onSubmit:async e=>{U(!1);let t=await L({input:{id:W.id,name:e.name,schedule:e.schedule,config:e.config}}),n=t.data?.updateConnector.userErrors??[];V(n),U(!!t.data?.updateConnector.connector&&!n.length)}},W.id),H&&(0,A.jsx)(e,{size:`sm`,role:`status`,mt:`xs`,children:`Saved.`}),(0,A.jsx)(r,{mt:`md`,children:W.enabled?(0,A.jsx)(n,{color:`red`,variant:`outline`,loading:R.fetching,onClick:async()=>{let e=await z({id:W.id});V(e.data?.disableConnector.userErrors??[])},children:`Disable connector`}):(0,A.jsx)(n,{variant:`default`,loading:I.fetching,onClick:async()=>{let e=await L({input:{id:W.id,enabled:!0}});V(e.data?.updateConnector.userErrors??[])},children:`Enable connector`})})]}),(0,A.jsxs)(S,{withBorder:!0,children:[(0,A.jsxs)(t,{order:3,size:`h4`,mb:`sm`,children:[`Runs (`,W.syncRuns.totalCount,`)`]}),W.syncRuns.nodes.length===0?(0,A.jsx)(_,{children:`No runs yet.`}):(0,A.jsx)(T.ScrollContainer,{minWidth:420,children:(0,A.jsxs)(T,{striped:!0,"aria-label":`Runs`,children:[(0,A.jsx)(T.Thead,{children:(0,A.jsxs)(T.Tr,{children:[(0,A.jsx)(T.Th,{children:`Queued`}),(0,A.jsx)(T.Th,{children:`Status`}),(0,A.jsx)(T.Th,{children:`Mode`}),(0,A.jsx)(T.Th,{children:`Errors`}),(0,A.jsx)(T.Th,{children:`Alerts`})]})}),(0,A.jsx)(T.Tbody,{children:W.syncRuns.nodes.map(e=>(0,A.jsxs)(T.Tr,{children:[(0,A.jsx)(T.Td,{children:(0,A.jsx)(d,{component:u,to:`/sync/runs/${encodeURIComponent(e.id)}`,children:g(e.createdAt)})}),(0,A.jsx)(T.Td,{children:(0,A.jsx)(m,{value:e.status})}),(0,A.jsxs)(T.Td,{children:[e.mode===`FULL`?`Full`:`Delta`,e.dryRun?`, dry run`:``]}),(0,A.jsx)(T.Td,{children:e.errorCount}),(0,A.jsx)(T.Td,{children:e.alertCount})]},e.id))})]})})]})]}),(0,A.jsx)(i,{})]})}export{P as default};