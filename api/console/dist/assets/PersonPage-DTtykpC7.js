import{A as e,C as t,D as n,F as r,O as i,T as a,Z as o,_ as s,a as c,b as l,c as u,f as d,h as f,i as ee,k as p,m,n as h,o as g,r as _,s as v,t as y,vt as b,x,yt as S}from"./index-83YUJbmz.js";import{t as C}from"./Card-C5JjUZ8l.js";import{t as w}from"./Checkbox-BIyRmPsK.js";import{t as T}from"./SimpleGrid-CaafXYMs.js";import{t as E}from"./Table-C6Lbetwx.js";import{n as D,r as O,t as k}from"./people-ops-dINop0zj.js";var A=S(b(),1),j=o(),M=m(`
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
`),N=m(`
  mutation RemoveRelationship($id: ID!) {
    removeRelationship(id: $id) {
      relationship { id status }
      userErrors { field message code }
    }
  }
`),P=m(`
  mutation RestoreRelationship($id: ID!) {
    restoreRelationship(id: $id) {
      relationship { id status }
      userErrors { field message code }
    }
  }
`),F=m(`
  mutation ResetPersonContactPoint($id: ID!) {
    setContactPointReachable(id: $id) { id reachable unreachableReason }
  }
`);function I(){let{id:o=``}=s(),m=d().role===`DISTRICT_ADMIN`,[{data:b,fetching:S,error:I},L]=x({query:M,variables:{id:o,admin:m,merges:{action:`person.merge`,target:o}},requestPolicy:`cache-and-network`}),[R,z]=(0,A.useState)([]),[B,V]=(0,A.useState)(!1),[H,U]=l(k),[W,G]=l(D),[K,q]=l(O),[,J]=l(N),[,Y]=l(P),[,X]=l(F);if(S&&!b)return(0,j.jsx)(_,{label:`Loading the person`});if(I)return(0,j.jsx)(h,{error:I});let Z=b?.person;if(!Z)return(0,j.jsx)(c,{title:`Person not found`,children:(0,j.jsx)(y,{children:`This person does not exist or is not visible to you.`})});let Q=()=>L({requestPolicy:`network-only`}),$=b?.auditEvents?.nodes??[];return(0,j.jsxs)(c,{title:Z.displayName,children:[(0,j.jsxs)(r,{gap:`xs`,children:[(0,j.jsx)(g,{value:Z.status}),(0,j.jsx)(g,{value:Z.accountState===`NONE`?`NO_ACCOUNT`:Z.accountState===`CLAIMED`?`ACCOUNT_CLAIMED`:`INVITED`}),Z.grade&&(0,j.jsxs)(e,{size:`sm`,children:[`Grade `,Z.grade]}),Z.studentNumber&&(0,j.jsxs)(e,{size:`sm`,children:[`Student number `,Z.studentNumber]})]}),(0,j.jsx)(ee,{messages:R.map(e=>e.message)}),(0,j.jsx)(h,{error:H.error??W.error??K.error}),m&&(0,j.jsx)(r,{gap:`sm`,children:Z.status===`ACTIVE`?(0,j.jsxs)(j.Fragment,{children:[(0,j.jsx)(n,{color:`red`,variant:`outline`,loading:H.fetching,onClick:async()=>{let e=await U({ids:[Z.id],override:B});z(e.data?.archivePeople.userErrors??[]),Q()},children:`Archive`}),(0,j.jsx)(w,{label:`Even if the SIS manages this person`,checked:B,onChange:e=>V(e.currentTarget.checked)})]}):(0,j.jsx)(n,{variant:`default`,loading:W.fetching,onClick:async()=>{let e=await G({ids:[Z.id]});z(e.data?.restorePeople.userErrors??[]),Q()},children:`Restore`})}),(0,j.jsxs)(T,{cols:{base:1,md:2},children:[(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Roles`}),Z.roles.length?(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:[...new Set(Z.roles.map(e=>`${u(e.role)}${e.org?` at ${e.org.name}`:``}`))].map(e=>(0,j.jsx)(`li`,{children:e},e))}):(0,j.jsx)(y,{children:`No roles.`})]}),(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Contact points`}),Z.contactPoints.length===0?(0,j.jsx)(y,{children:`None.`}):(0,j.jsx)(a,{gap:4,children:Z.contactPoints.map(t=>(0,j.jsxs)(r,{gap:`xs`,children:[(0,j.jsxs)(e,{size:`sm`,children:[t.kind===`EMAIL`?`Email`:`Phone`,`: `,t.value]}),t.masked&&(0,j.jsx)(i,{variant:`light`,color:`gray`,children:`Masked`}),t.verified&&(0,j.jsx)(i,{variant:`light`,color:`teal`,children:`Verified`}),!t.reachable&&(0,j.jsxs)(j.Fragment,{children:[(0,j.jsx)(i,{variant:`light`,color:`red`,title:t.unreachableReason??void 0,children:`Unreachable`}),(0,j.jsx)(n,{size:`compact-xs`,variant:`subtle`,"aria-label":`Reset ${t.value} as reachable`,onClick:async()=>{await X({id:t.id}),Q()},children:`Reset`})]})]},t.id))})]}),(Z.guardians.length>0||Z.roles.some(e=>e.role===`STUDENT`))&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Guardians`}),Z.guardians.length===0?(0,j.jsx)(y,{children:`No guardians.`}):(0,j.jsx)(E,{"aria-label":`Guardians`,children:(0,j.jsx)(E.Tbody,{children:Z.guardians.map(e=>(0,j.jsxs)(E.Tr,{children:[(0,j.jsx)(E.Td,{children:e.guardian?(0,j.jsx)(p,{component:f,to:`/people/${encodeURIComponent(e.guardian.id)}`,children:e.guardian.displayName}):`Hidden`}),(0,j.jsxs)(E.Td,{children:[u(e.kind),` · `,u(e.source),e.livesWithStudent?` · lives with student`:``]}),(0,j.jsx)(E.Td,{children:(0,j.jsx)(g,{value:e.status})}),(0,j.jsx)(E.Td,{children:e.status===`ACTIVE`?(0,j.jsx)(n,{size:`compact-xs`,variant:`subtle`,color:`red`,"aria-label":`Remove the link to ${e.guardian?.displayName??`this guardian`}`,onClick:async()=>{let t=await J({id:e.id});z(t.data?.removeRelationship.userErrors??[]),Q()},children:`Remove`}):(0,j.jsx)(n,{size:`compact-xs`,variant:`subtle`,onClick:async()=>{let t=await Y({id:e.id});z(t.data?.restoreRelationship.userErrors??[]),Q()},children:`Restore`})})]},e.id))})})]}),Z.students.length>0&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Students`}),(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:Z.students.map(e=>(0,j.jsxs)(`li`,{children:[e.student?(0,j.jsx)(p,{component:f,to:`/people/${encodeURIComponent(e.student.id)}`,children:e.student.displayName}):`Hidden`,` (`,u(e.kind),`)`]},e.id))})]}),(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Classes`}),Z.enrollments.length===0?(0,j.jsx)(y,{children:`No classes.`}):(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:Z.enrollments.map((e,t)=>(0,j.jsxs)(`li`,{children:[e.class?(0,j.jsx)(p,{component:f,to:`/classes/${encodeURIComponent(e.class.id)}`,children:e.class.title}):`Hidden class`,` · `,u(e.role),e.primary?` (primary)`:``]},t))})]}),m&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Merges into this person`}),$.length===0?(0,j.jsx)(y,{children:`No merges.`}):(0,j.jsx)(a,{gap:4,children:$.map(t=>(0,j.jsxs)(r,{gap:`sm`,children:[(0,j.jsxs)(e,{size:`sm`,children:[v(t.createdAt),` by `,t.actor?.displayName??`system`]}),(0,j.jsx)(n,{size:`compact-xs`,variant:`default`,loading:K.fetching,onClick:async()=>{let e=await q({auditEventId:t.id});z(e.data?.unmerge.userErrors??[]),Q()},children:`Unmerge`})]},t.id))})]})]})]})}export{I as default};