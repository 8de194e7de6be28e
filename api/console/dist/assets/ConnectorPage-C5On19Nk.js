import{D as e,S as t,W as n,_ as r,b as i,dt as a,f as o,ft as s,h as c,l,n as u,o as d,p as f,r as p,s as m,x as h}from"./index-BzynuQhe.js";import{t as g}from"./Card-CQHKPfzR.js";import{t as _}from"./NativeSelect-C5QXPR0y.js";import{t as v}from"./SimpleGrid-D0w8fVUq.js";import{t as y}from"./Table-B44TFUOH.js";import{n as b,r as x,t as S}from"./ConnectorForm-BQKSXBoE.js";import{a as C,n as w,o as T,r as E,s as D,t as O}from"./common-9Zg-1sRl.js";var k=s(a(),1),A=n(),j=d(`
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
`),M=d(`
  mutation UpdateConnector($input: UpdateConnectorInput!) {
    updateConnector(input: $input) {
      connector { id name schedule enabled config secretFieldsSet }
      userErrors { field message code }
    }
  }
`),N=d(`
  mutation DisableConnector($id: ID!) {
    disableConnector(id: $id) {
      connector { id enabled }
      userErrors { field message code }
    }
  }
`);function P(){let{id:n=``}=l(),[{data:a,fetching:s,error:d}]=f({query:j,variables:{id:n},requestPolicy:`cache-and-network`}),[P,F]=(0,k.useState)(`FULL`),[I,L]=o(M),[R,z]=o(N),[B,V]=(0,k.useState)([]),[H,U]=(0,k.useState)(!1);if(s&&!a)return(0,A.jsx)(E,{label:`Loading the connector`});if(d)return(0,A.jsx)(w,{error:d});let W=a?.connector;if(!W)return(0,A.jsx)(C,{title:`Connector not found`,children:(0,A.jsx)(O,{children:`This connector does not exist.`})});let G=u(B);return(0,A.jsxs)(C,{title:W.name,children:[(0,A.jsxs)(t,{c:`dimmed`,children:[b(W.kind),` · last success `,D(W.lastSuccessAt)]}),(0,A.jsxs)(e,{gap:`xs`,children:[(0,A.jsx)(T,{value:W.enabled?`ENABLED`:`DISABLED`}),W.stale&&(0,A.jsx)(T,{value:`STALE`})]}),(0,A.jsxs)(g,{withBorder:!0,children:[(0,A.jsx)(c,{order:3,size:`h4`,mb:`sm`,children:`Run`}),(0,A.jsxs)(e,{align:`flex-end`,gap:`sm`,children:[(0,A.jsx)(_,{label:`Mode`,value:P,onChange:e=>F(e.currentTarget.value),data:[{value:`FULL`,label:`Full snapshot`},{value:`DELTA`,label:`Changes since last sync`}]}),(0,A.jsx)(x,{connector:W,mode:P})]})]}),(0,A.jsxs)(v,{cols:{base:1,lg:2},children:[(0,A.jsxs)(g,{withBorder:!0,children:[(0,A.jsx)(c,{order:3,size:`h4`,mb:`sm`,children:`Settings`}),(0,A.jsx)(S,{initial:{kind:W.kind,name:W.name,schedule:W.schedule,config:W.config},secretFieldsSet:W.secretFieldsSet,submitLabel:`Save connector`,busy:I.fetching,serverErrors:G,otherErrors:[...p(B,[`name`,`schedule`]),...I.error?[I.error.message]:[]],onSubmit:async e=>{U(!1);let t=await L({input:{id:W.id,name:e.name,schedule:e.schedule,config:e.config}}),n=t.data?.updateConnector.userErrors??[];V(n),U(!!t.data?.updateConnector.connector&&!n.length)}},W.id),H&&(0,A.jsx)(t,{size:`sm`,role:`status`,mt:`xs`,children:`Saved.`}),(0,A.jsx)(e,{mt:`md`,children:W.enabled?(0,A.jsx)(i,{color:`red`,variant:`outline`,loading:R.fetching,onClick:async()=>{let e=await z({id:W.id});V(e.data?.disableConnector.userErrors??[])},children:`Disable connector`}):(0,A.jsx)(i,{variant:`default`,loading:I.fetching,onClick:async()=>{let e=await L({input:{id:W.id,enabled:!0}});V(e.data?.updateConnector.userErrors??[])},children:`Enable connector`})})]}),(0,A.jsxs)(g,{withBorder:!0,children:[(0,A.jsxs)(c,{order:3,size:`h4`,mb:`sm`,children:[`Runs (`,W.syncRuns.totalCount,`)`]}),W.syncRuns.nodes.length===0?(0,A.jsx)(O,{children:`No runs yet.`}):(0,A.jsx)(y.ScrollContainer,{minWidth:420,children:(0,A.jsxs)(y,{striped:!0,"aria-label":`Runs`,children:[(0,A.jsx)(y.Thead,{children:(0,A.jsxs)(y.Tr,{children:[(0,A.jsx)(y.Th,{children:`Queued`}),(0,A.jsx)(y.Th,{children:`Status`}),(0,A.jsx)(y.Th,{children:`Mode`}),(0,A.jsx)(y.Th,{children:`Errors`}),(0,A.jsx)(y.Th,{children:`Alerts`})]})}),(0,A.jsx)(y.Tbody,{children:W.syncRuns.nodes.map(e=>(0,A.jsxs)(y.Tr,{children:[(0,A.jsx)(y.Td,{children:(0,A.jsx)(h,{component:m,to:`/sync/runs/${encodeURIComponent(e.id)}`,children:D(e.createdAt)})}),(0,A.jsx)(y.Td,{children:(0,A.jsx)(T,{value:e.status})}),(0,A.jsxs)(y.Td,{children:[e.mode===`FULL`?`Full`:`Delta`,e.dryRun?`, dry run`:``]}),(0,A.jsx)(y.Td,{children:e.errorCount}),(0,A.jsx)(y.Td,{children:e.alertCount})]},e.id))})]})})]})]}),(0,A.jsx)(r,{})]})}export{P as default};