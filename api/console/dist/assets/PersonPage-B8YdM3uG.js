import{D as e,S as t,W as n,_ as r,b as i,dt as a,f as o,ft as s,h as c,i as l,l as u,o as d,p as f,s as p,x as m}from"./index-BzynuQhe.js";import{a as h,c as g,i as _,l as v,n as y,o as b,r as x,s as ee,t as S}from"./common-9Zg-1sRl.js";import{t as C}from"./Card-CQHKPfzR.js";import{t as w}from"./Checkbox-BBxi_jh_.js";import{t as T}from"./SimpleGrid-D0w8fVUq.js";import{t as E}from"./Table-B44TFUOH.js";import{n as D,r as O,t as k}from"./people-ops-CEx7APvm.js";var A=s(a(),1),j=n(),M=d(`
  query PersonPage($id: ID!, $merges: AuditEventFilter, $admin: Boolean!) {
    person(id: $id) {
      id
      displayName
      givenName
      familyName
      middleName
      preferredName
      status
      accountState
      grade
      studentNumber
      roles { role org { id name } }
      contactPoints { id kind value masked verified reachable unreachableReason }
      guardians { id kind status source livesWithStudent guardian { id displayName } }
      students { id kind status source student { id displayName } }
      enrollments { role primary class { id title school { name } } }
    }
    auditEvents(filter: $merges, first: 20) @include(if: $admin) {
      nodes { id action createdAt actor { id displayName } }
    }
  }
`),N=d(`
  mutation RemoveRelationship($id: ID!) {
    removeRelationship(id: $id) {
      relationship { id status }
      userErrors { field message code }
    }
  }
`),P=d(`
  mutation RestoreRelationship($id: ID!) {
    restoreRelationship(id: $id) {
      relationship { id status }
      userErrors { field message code }
    }
  }
`),F=d(`
  mutation ResetPersonContactPoint($id: ID!) {
    setContactPointReachable(id: $id) { id reachable unreachableReason }
  }
`);function I(){let{id:n=``}=u(),a=l().role===`DISTRICT_ADMIN`,[{data:s,fetching:d,error:I},L]=f({query:M,variables:{id:n,admin:a,merges:{action:`person.merge`,target:n}},requestPolicy:`cache-and-network`}),[R,z]=(0,A.useState)([]),[B,V]=(0,A.useState)(!1),[H,U]=o(k),[W,G]=o(D),[K,q]=o(O),[,J]=o(N),[,Y]=o(P),[,X]=o(F);if(d&&!s)return(0,j.jsx)(x,{label:`Loading the person`});if(I)return(0,j.jsx)(y,{error:I});let Z=s?.person;if(!Z)return(0,j.jsx)(h,{title:`Person not found`,children:(0,j.jsx)(S,{children:`This person does not exist or is not visible to you.`})});let Q=()=>L({requestPolicy:`network-only`}),$=s?.auditEvents?.nodes??[];return(0,j.jsxs)(h,{title:Z.displayName,children:[(0,j.jsxs)(e,{gap:`xs`,children:[(0,j.jsx)(b,{value:Z.status}),(0,j.jsx)(b,{value:Z.accountState===`NONE`?`NO_ACCOUNT`:Z.accountState===`CLAIMED`?`ACCOUNT_CLAIMED`:`INVITED`}),Z.grade&&(0,j.jsxs)(t,{size:`sm`,children:[`Grade `,Z.grade]}),Z.studentNumber&&(0,j.jsxs)(t,{size:`sm`,children:[`Student number `,Z.studentNumber]})]}),(0,j.jsx)(_,{messages:R.map(e=>e.message)}),(0,j.jsx)(y,{error:H.error??W.error??K.error}),a&&(0,j.jsx)(e,{gap:`sm`,children:Z.status===`ACTIVE`?(0,j.jsxs)(j.Fragment,{children:[(0,j.jsx)(i,{color:`red`,variant:`outline`,loading:H.fetching,onClick:async()=>{let e=await U({ids:[Z.id],override:B});z(e.data?.archivePeople.userErrors??[]),Q()},children:`Archive`}),(0,j.jsx)(w,{label:`Even if the SIS manages this person`,checked:B,onChange:e=>V(e.currentTarget.checked)})]}):(0,j.jsx)(i,{variant:`default`,loading:W.fetching,onClick:async()=>{let e=await G({ids:[Z.id]});z(e.data?.restorePeople.userErrors??[]),Q()},children:`Restore`})}),(0,j.jsxs)(T,{cols:{base:1,md:2},children:[(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(c,{order:3,size:`h4`,mb:`xs`,children:`Roles`}),Z.roles.length?(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:[...new Set(Z.roles.map(e=>`${g(e.role)}${e.org?` at ${e.org.name}`:``}`))].map(e=>(0,j.jsx)(`li`,{children:e},e))}):(0,j.jsx)(S,{children:`No roles.`})]}),(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(c,{order:3,size:`h4`,mb:`xs`,children:`Contact points`}),Z.contactPoints.length===0?(0,j.jsx)(S,{children:`None.`}):(0,j.jsx)(r,{gap:4,children:Z.contactPoints.map(n=>(0,j.jsxs)(e,{gap:`xs`,children:[(0,j.jsxs)(t,{size:`sm`,children:[n.kind===`EMAIL`?`Email`:`Phone`,`: `,n.value]}),n.masked&&(0,j.jsx)(v,{variant:`light`,color:`gray`,children:`Masked`}),n.verified&&(0,j.jsx)(v,{variant:`light`,color:`teal`,children:`Verified`}),!n.reachable&&(0,j.jsxs)(j.Fragment,{children:[(0,j.jsx)(v,{variant:`light`,color:`red`,title:n.unreachableReason??void 0,children:`Unreachable`}),(0,j.jsx)(i,{size:`compact-xs`,variant:`subtle`,"aria-label":`Reset ${n.value} as reachable`,onClick:async()=>{await X({id:n.id}),Q()},children:`Reset`})]})]},n.id))})]}),(Z.guardians.length>0||Z.roles.some(e=>e.role===`STUDENT`))&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(c,{order:3,size:`h4`,mb:`xs`,children:`Guardians`}),Z.guardians.length===0?(0,j.jsx)(S,{children:`No guardians.`}):(0,j.jsx)(E,{"aria-label":`Guardians`,children:(0,j.jsx)(E.Tbody,{children:Z.guardians.map(e=>(0,j.jsxs)(E.Tr,{children:[(0,j.jsx)(E.Td,{children:e.guardian?(0,j.jsx)(m,{component:p,to:`/people/${encodeURIComponent(e.guardian.id)}`,children:e.guardian.displayName}):`Hidden`}),(0,j.jsxs)(E.Td,{children:[g(e.kind),` · `,g(e.source),e.livesWithStudent?` · lives with student`:``]}),(0,j.jsx)(E.Td,{children:(0,j.jsx)(b,{value:e.status})}),(0,j.jsx)(E.Td,{children:e.status===`ACTIVE`?(0,j.jsx)(i,{size:`compact-xs`,variant:`subtle`,color:`red`,"aria-label":`Remove the link to ${e.guardian?.displayName??`this guardian`}`,onClick:async()=>{let t=await J({id:e.id});z(t.data?.removeRelationship.userErrors??[]),Q()},children:`Remove`}):(0,j.jsx)(i,{size:`compact-xs`,variant:`subtle`,onClick:async()=>{let t=await Y({id:e.id});z(t.data?.restoreRelationship.userErrors??[]),Q()},children:`Restore`})})]},e.id))})})]}),Z.students.length>0&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(c,{order:3,size:`h4`,mb:`xs`,children:`Students`}),(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:Z.students.map(e=>(0,j.jsxs)(`li`,{children:[e.student?(0,j.jsx)(m,{component:p,to:`/people/${encodeURIComponent(e.student.id)}`,children:e.student.displayName}):`Hidden`,` (`,g(e.kind),`)`]},e.id))})]}),(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(c,{order:3,size:`h4`,mb:`xs`,children:`Classes`}),Z.enrollments.length===0?(0,j.jsx)(S,{children:`No classes.`}):(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:Z.enrollments.map((e,t)=>(0,j.jsxs)(`li`,{children:[e.class?(0,j.jsx)(m,{component:p,to:`/classes/${encodeURIComponent(e.class.id)}`,children:e.class.title}):`Hidden class`,` · `,g(e.role),e.primary?` (primary)`:``]},t))})]}),a&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(c,{order:3,size:`h4`,mb:`xs`,children:`Merges into this person`}),$.length===0?(0,j.jsx)(S,{children:`No merges.`}):(0,j.jsx)(r,{gap:4,children:$.map(n=>(0,j.jsxs)(e,{gap:`sm`,children:[(0,j.jsxs)(t,{size:`sm`,children:[ee(n.createdAt),` by `,n.actor?.displayName??`system`]}),(0,j.jsx)(i,{size:`compact-xs`,variant:`default`,loading:K.fetching,onClick:async()=>{let e=await q({auditEventId:n.id});z(e.data?.unmerge.userErrors??[]),Q()},children:`Unmerge`})]},n.id))})]})]})]})}export{I as default};