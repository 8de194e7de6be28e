import{D as e,S as t,W as n,_ as r,a as i,b as a,dt as o,f as s,ft as c,g as l,h as u,i as d,l as f,n as p,o as m,p as h,r as g,s as _,x as v}from"./index-BzynuQhe.js";import{t as y}from"./Card-CQHKPfzR.js";import{t as b}from"./NativeSelect-C5QXPR0y.js";import{t as x}from"./SimpleGrid-D0w8fVUq.js";import{t as S}from"./Table-B44TFUOH.js";import{a as C,i as w,n as T,o as E,r as D,s as O,t as k}from"./common-9Zg-1sRl.js";var A=c(o(),1),j=n(),M=m(`
  query ClassPage($id: ID!) {
    class(id: $id) {
      id
      title
      sisTitle
      classCode
      joinCode
      status
      claimed
      claimedAt
      claimedBy { id displayName }
      school { id name }
      course { id title }
      term { id title }
      teachers { id displayName }
      students { id displayName studentNumber grade }
    }
  }
`),N=m(`
  mutation ClaimClass($id: ID!, $teacherId: ID) {
    claimClass(id: $id, teacherId: $teacherId) {
      class { id claimed claimedAt claimedBy { id displayName } }
      userErrors { field message code }
    }
  }
`),P=m(`
  mutation ReleaseClass($id: ID!) {
    releaseClass(id: $id) {
      class { id claimed claimedAt claimedBy { id displayName } }
      userErrors { field message code }
    }
  }
`),F=m(`
  mutation UpdateClass($id: ID!, $title: String, $joinCode: String) {
    updateClass(id: $id, title: $title, joinCode: $joinCode) {
      class { id title joinCode }
      userErrors { field message code }
    }
  }
`),I=m(`
  mutation AddParticipant($classId: ID!, $newStudent: NewStudentInput) {
    addParticipant(classId: $classId, newStudent: $newStudent) {
      class { id students { id displayName studentNumber grade } }
      userErrors { field message code }
    }
  }
`),L=m(`
  mutation RemoveParticipant($classId: ID!, $personId: ID!) {
    removeParticipant(classId: $classId, personId: $personId) {
      class { id students { id displayName studentNumber grade } teachers { id displayName } }
      userErrors { field message code }
    }
  }
`);function R(){let{id:e=``}=f(),[{data:t,fetching:n,error:r}]=h({query:M,variables:{id:e}});if(n&&!t)return(0,j.jsx)(D,{label:`Loading the class`});if(r)return(0,j.jsx)(T,{error:r});let i=t?.class;return i?(0,j.jsxs)(C,{title:i.title,actions:(0,j.jsx)(a,{component:_,to:`/families/${encodeURIComponent(i.id)}`,variant:`default`,children:`Family invite manager`}),children:[(0,j.jsxs)(x,{cols:{base:1,md:2},children:[(0,j.jsxs)(y,{withBorder:!0,children:[(0,j.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Details`}),(0,j.jsxs)(`dl`,{className:`details`,children:[(0,j.jsx)(z,{term:`SIS title`,value:i.sisTitle}),(0,j.jsx)(z,{term:`Class code`,value:i.classCode}),(0,j.jsx)(z,{term:`School`,value:i.school?.name}),(0,j.jsx)(z,{term:`Course`,value:i.course?.title}),(0,j.jsx)(z,{term:`Term`,value:i.term?.title}),(0,j.jsx)(z,{term:`Status`,value:i.status===`ACTIVE`?`Active`:`Archived`})]})]}),(0,j.jsx)(B,{cls:i}),(0,j.jsx)(V,{cls:i}),(0,j.jsxs)(y,{withBorder:!0,children:[(0,j.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Teachers`}),i.teachers.length?(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:i.teachers.map(e=>(0,j.jsx)(`li`,{children:e.displayName},e.id))}):(0,j.jsx)(k,{children:`No teachers.`})]})]}),(0,j.jsx)(H,{cls:i})]}):(0,j.jsx)(C,{title:`Class not found`,children:(0,j.jsx)(k,{children:`This class does not exist or is not visible to you.`})})}function z({term:n,value:r}){return(0,j.jsxs)(e,{gap:`xs`,wrap:`nowrap`,children:[(0,j.jsx)(t,{component:`dt`,fw:600,size:`sm`,miw:90,children:n}),(0,j.jsx)(t,{component:`dd`,size:`sm`,m:0,children:r||`—`})]})}function B({cls:n}){let o=d(),c=i(o.role),[l,f]=(0,A.useState)(n.teachers[0]?.id??``),[m,h]=s(N),[_,v]=s(P),[x,S]=(0,A.useState)([]),C=p(x);async function D(e){e.preventDefault();let t=await h({id:n.id,teacherId:c&&l||void 0});S(t.data?.claimClass.userErrors??[])}async function k(){let e=await v({id:n.id});S(e.data?.releaseClass.userErrors??[])}return(0,j.jsxs)(y,{withBorder:!0,children:[(0,j.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Claim`}),(0,j.jsxs)(r,{gap:`sm`,children:[n.claimed?(0,j.jsxs)(j.Fragment,{children:[(0,j.jsxs)(e,{gap:`xs`,children:[(0,j.jsx)(E,{value:`CLAIMED`}),(0,j.jsxs)(t,{size:`sm`,"data-testid":`claimed-by`,children:[`by `,n.claimedBy?.displayName??`a teacher`,` on `,O(n.claimedAt)]})]}),(0,j.jsx)(a,{variant:`default`,onClick:k,loading:_.fetching,w:`fit-content`,children:`Release`})]}):(0,j.jsx)(`form`,{onSubmit:D,children:(0,j.jsxs)(e,{align:`flex-end`,gap:`sm`,children:[(0,j.jsx)(E,{value:`UNCLAIMED`}),c&&(0,j.jsx)(b,{label:`Teacher`,value:l,onChange:e=>f(e.currentTarget.value),data:n.teachers.map(e=>({value:e.id,label:e.displayName})),error:C.teacherId}),(0,j.jsx)(a,{type:`submit`,loading:m.fetching,children:c?`Claim for teacher`:`Claim`})]})}),(0,j.jsx)(w,{messages:g(x,[`teacherId`])}),(0,j.jsx)(T,{error:m.error??_.error})]})]})}function V({cls:n}){let[i,o]=(0,A.useState)(n.title===n.sisTitle?``:n.title),[c,d]=(0,A.useState)(n.joinCode??``);(0,A.useEffect)(()=>d(n.joinCode??``),[n.joinCode]);let[f,m]=s(F),[h,_]=(0,A.useState)([]),[v,b]=(0,A.useState)(!1),x=p(h);async function S(e){e.preventDefault(),b(!1);let t=await m({id:n.id,title:i.trim()||null,joinCode:c.trim()||null}),r=t.data?.updateClass.userErrors??[];_(r),b(!t.error&&r.length===0)}return(0,j.jsxs)(y,{withBorder:!0,children:[(0,j.jsx)(u,{order:3,size:`h4`,mb:`xs`,children:`Local title and join code`}),(0,j.jsx)(`form`,{onSubmit:S,children:(0,j.jsxs)(r,{gap:`sm`,children:[(0,j.jsx)(l,{label:`Local title`,description:`Shown instead of the SIS title; sync never overwrites it. Empty: the SIS title.`,value:i,onChange:e=>o(e.currentTarget.value),error:x.title}),(0,j.jsx)(l,{label:`Join code`,description:`Students join a claimed class with it. Empty: none.`,value:c,onChange:e=>d(e.currentTarget.value),error:x.joinCode}),(0,j.jsx)(w,{messages:g(h,[`title`,`joinCode`])}),(0,j.jsx)(T,{error:f.error}),(0,j.jsxs)(e,{children:[(0,j.jsx)(a,{type:`submit`,loading:f.fetching,children:`Save`}),v&&(0,j.jsx)(t,{size:`sm`,role:`status`,children:`Saved.`})]})]})})]})}function H({cls:t}){let[n,r]=s(L),[i,o]=s(I),[c,d]=(0,A.useState)([]),[f,m]=(0,A.useState)(``),[h,b]=(0,A.useState)(``),[x,C]=(0,A.useState)(``),E=p(c);async function D(e){e.preventDefault();let n=await o({classId:t.id,newStudent:{givenName:f,familyName:h,studentNumber:x||void 0}}),r=n.data?.addParticipant.userErrors??[];d(r),!n.error&&!r.length&&(m(``),b(``),C(``))}return(0,j.jsxs)(y,{withBorder:!0,children:[(0,j.jsxs)(u,{order:3,size:`h4`,mb:`xs`,children:[`Roster (`,t.students.length,` `,t.students.length===1?`student`:`students`,`)`]}),t.students.length===0?(0,j.jsx)(k,{children:`No students in this class.`}):(0,j.jsx)(S.ScrollContainer,{minWidth:480,children:(0,j.jsxs)(S,{striped:!0,"aria-label":`Roster`,children:[(0,j.jsx)(S.Thead,{children:(0,j.jsxs)(S.Tr,{children:[(0,j.jsx)(S.Th,{children:`Student`}),(0,j.jsx)(S.Th,{children:`Student number`}),(0,j.jsx)(S.Th,{children:`Grade`}),(0,j.jsx)(S.Th,{children:(0,j.jsx)(`span`,{className:`visually-hidden`,children:`Actions`})})]})}),(0,j.jsx)(S.Tbody,{children:t.students.map(e=>(0,j.jsxs)(S.Tr,{children:[(0,j.jsx)(S.Td,{children:(0,j.jsx)(v,{component:_,to:`/people/${encodeURIComponent(e.id)}`,children:e.displayName})}),(0,j.jsx)(S.Td,{children:e.studentNumber??`—`}),(0,j.jsx)(S.Td,{children:e.grade??`—`}),(0,j.jsx)(S.Td,{children:(0,j.jsx)(a,{size:`xs`,variant:`subtle`,color:`red`,"aria-label":`Remove ${e.displayName} from the class`,loading:n.fetching&&n.operation?.variables.personId===e.id,onClick:async()=>{let n=await r({classId:t.id,personId:e.id});d(n.data?.removeParticipant.userErrors??[])},children:`Remove`})})]},e.id))})]})}),(0,j.jsx)(u,{order:4,size:`h5`,mt:`md`,mb:`xs`,children:`Add a new student`}),(0,j.jsx)(`form`,{onSubmit:D,children:(0,j.jsxs)(e,{align:`flex-start`,gap:`sm`,wrap:`wrap`,children:[(0,j.jsx)(l,{label:`Given name`,required:!0,value:f,onChange:e=>m(e.currentTarget.value),error:E.givenName}),(0,j.jsx)(l,{label:`Family name`,required:!0,value:h,onChange:e=>b(e.currentTarget.value),error:E.familyName}),(0,j.jsx)(l,{label:`Student number`,value:x,onChange:e=>C(e.currentTarget.value),error:E.studentNumber}),(0,j.jsx)(a,{type:`submit`,mt:25,loading:i.fetching,children:`Add student`})]})}),(0,j.jsx)(w,{messages:g(c,[`givenName`,`familyName`,`studentNumber`])}),(0,j.jsx)(T,{error:i.error??n.error})]})}export{R as default};