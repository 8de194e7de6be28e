import{A as e,C as t,D as n,F as r,T as i,Z as a,_ as o,a as s,b as c,d as l,f as u,h as d,i as f,k as p,m,n as h,o as g,p as _,r as v,s as y,t as b,u as x,vt as S,w as C,x as w,yt as T}from"./index-83YUJbmz.js";import{t as E}from"./Card-C5JjUZ8l.js";import{t as D}from"./NativeSelect-CVfpAE4X.js";import{t as O}from"./SimpleGrid-CaafXYMs.js";import{t as k}from"./Table-C6Lbetwx.js";var A=T(S(),1),j=a(),M=m(`
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
`);function R(){let{id:e=``}=o(),[{data:r,fetching:i,error:a}]=w({query:M,variables:{id:e}});if(i&&!r)return(0,j.jsx)(v,{label:`Loading the class`});if(a)return(0,j.jsx)(h,{error:a});let c=r?.class;return c?(0,j.jsxs)(s,{title:c.title,actions:(0,j.jsx)(n,{component:d,to:`/families/${encodeURIComponent(c.id)}`,variant:`default`,children:`Family invite manager`}),children:[(0,j.jsxs)(O,{cols:{base:1,md:2},children:[(0,j.jsxs)(E,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Details`}),(0,j.jsxs)(`dl`,{className:`details`,children:[(0,j.jsx)(z,{term:`SIS title`,value:c.sisTitle}),(0,j.jsx)(z,{term:`Class code`,value:c.classCode}),(0,j.jsx)(z,{term:`School`,value:c.school?.name}),(0,j.jsx)(z,{term:`Course`,value:c.course?.title}),(0,j.jsx)(z,{term:`Term`,value:c.term?.title}),(0,j.jsx)(z,{term:`Status`,value:c.status===`ACTIVE`?`Active`:`Archived`})]})]}),(0,j.jsx)(B,{cls:c}),(0,j.jsx)(V,{cls:c}),(0,j.jsxs)(E,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Teachers`}),c.teachers.length?(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:c.teachers.map(e=>(0,j.jsx)(`li`,{children:e.displayName},e.id))}):(0,j.jsx)(b,{children:`No teachers.`})]})]}),(0,j.jsx)(H,{cls:c})]}):(0,j.jsx)(s,{title:`Class not found`,children:(0,j.jsx)(b,{children:`This class does not exist or is not visible to you.`})})}function z({term:t,value:n}){return(0,j.jsxs)(r,{gap:`xs`,wrap:`nowrap`,children:[(0,j.jsx)(e,{component:`dt`,fw:600,size:`sm`,miw:90,children:t}),(0,j.jsx)(e,{component:`dd`,size:`sm`,m:0,children:n||`—`})]})}function B({cls:a}){let o=u(),s=_(o.role),[d,p]=(0,A.useState)(a.teachers[0]?.id??``),[m,v]=c(N),[b,S]=c(P),[C,w]=(0,A.useState)([]),T=x(C);async function O(e){e.preventDefault();let t=await v({id:a.id,teacherId:s&&d||void 0});w(t.data?.claimClass.userErrors??[])}async function k(){let e=await S({id:a.id});w(e.data?.releaseClass.userErrors??[])}return(0,j.jsxs)(E,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Claim`}),(0,j.jsxs)(i,{gap:`sm`,children:[a.claimed?(0,j.jsxs)(j.Fragment,{children:[(0,j.jsxs)(r,{gap:`xs`,children:[(0,j.jsx)(g,{value:`CLAIMED`}),(0,j.jsxs)(e,{size:`sm`,"data-testid":`claimed-by`,children:[`by `,a.claimedBy?.displayName??`a teacher`,` on `,y(a.claimedAt)]})]}),(0,j.jsx)(n,{variant:`default`,onClick:k,loading:b.fetching,w:`fit-content`,children:`Release`})]}):(0,j.jsx)(`form`,{onSubmit:O,children:(0,j.jsxs)(r,{align:`flex-end`,gap:`sm`,children:[(0,j.jsx)(g,{value:`UNCLAIMED`}),s&&(0,j.jsx)(D,{label:`Teacher`,value:d,onChange:e=>p(e.currentTarget.value),data:a.teachers.map(e=>({value:e.id,label:e.displayName})),error:T.teacherId}),(0,j.jsx)(n,{type:`submit`,loading:m.fetching,children:s?`Claim for teacher`:`Claim`})]})}),(0,j.jsx)(f,{messages:l(C,[`teacherId`])}),(0,j.jsx)(h,{error:m.error??b.error})]})]})}function V({cls:a}){let[o,s]=(0,A.useState)(a.title===a.sisTitle?``:a.title),[u,d]=(0,A.useState)(a.joinCode??``);(0,A.useEffect)(()=>d(a.joinCode??``),[a.joinCode]);let[p,m]=c(F),[g,_]=(0,A.useState)([]),[v,y]=(0,A.useState)(!1),b=x(g);async function S(e){e.preventDefault(),y(!1);let t=await m({id:a.id,title:o.trim()||null,joinCode:u.trim()||null}),n=t.data?.updateClass.userErrors??[];_(n),y(!t.error&&n.length===0)}return(0,j.jsxs)(E,{withBorder:!0,children:[(0,j.jsx)(t,{order:3,size:`h4`,mb:`xs`,children:`Local title and join code`}),(0,j.jsx)(`form`,{onSubmit:S,children:(0,j.jsxs)(i,{gap:`sm`,children:[(0,j.jsx)(C,{label:`Local title`,description:`Shown instead of the SIS title; sync never overwrites it. Empty: the SIS title.`,value:o,onChange:e=>s(e.currentTarget.value),error:b.title}),(0,j.jsx)(C,{label:`Join code`,description:`Students join a claimed class with it. Empty: none.`,value:u,onChange:e=>d(e.currentTarget.value),error:b.joinCode}),(0,j.jsx)(f,{messages:l(g,[`title`,`joinCode`])}),(0,j.jsx)(h,{error:p.error}),(0,j.jsxs)(r,{children:[(0,j.jsx)(n,{type:`submit`,loading:p.fetching,children:`Save`}),v&&(0,j.jsx)(e,{size:`sm`,role:`status`,children:`Saved.`})]})]})})]})}function H({cls:e}){let[i,a]=c(L),[o,s]=c(I),[u,m]=(0,A.useState)([]),[g,_]=(0,A.useState)(``),[v,y]=(0,A.useState)(``),[S,w]=(0,A.useState)(``),T=x(u);async function D(t){t.preventDefault();let n=await s({classId:e.id,newStudent:{givenName:g,familyName:v,studentNumber:S||void 0}}),r=n.data?.addParticipant.userErrors??[];m(r),!n.error&&!r.length&&(_(``),y(``),w(``))}return(0,j.jsxs)(E,{withBorder:!0,children:[(0,j.jsxs)(t,{order:3,size:`h4`,mb:`xs`,children:[`Roster (`,e.students.length,` `,e.students.length===1?`student`:`students`,`)`]}),e.students.length===0?(0,j.jsx)(b,{children:`No students in this class.`}):(0,j.jsx)(k.ScrollContainer,{minWidth:480,children:(0,j.jsxs)(k,{striped:!0,"aria-label":`Roster`,children:[(0,j.jsx)(k.Thead,{children:(0,j.jsxs)(k.Tr,{children:[(0,j.jsx)(k.Th,{children:`Student`}),(0,j.jsx)(k.Th,{children:`Student number`}),(0,j.jsx)(k.Th,{children:`Grade`}),(0,j.jsx)(k.Th,{children:(0,j.jsx)(`span`,{className:`visually-hidden`,children:`Actions`})})]})}),(0,j.jsx)(k.Tbody,{children:e.students.map(t=>(0,j.jsxs)(k.Tr,{children:[(0,j.jsx)(k.Td,{children:(0,j.jsx)(p,{component:d,to:`/people/${encodeURIComponent(t.id)}`,children:t.displayName})}),(0,j.jsx)(k.Td,{children:t.studentNumber??`—`}),(0,j.jsx)(k.Td,{children:t.grade??`—`}),(0,j.jsx)(k.Td,{children:(0,j.jsx)(n,{size:`xs`,variant:`subtle`,color:`red`,"aria-label":`Remove ${t.displayName} from the class`,loading:i.fetching&&i.operation?.variables.personId===t.id,onClick:async()=>{let n=await a({classId:e.id,personId:t.id});m(n.data?.removeParticipant.userErrors??[])},children:`Remove`})})]},t.id))})]})}),(0,j.jsx)(t,{order:4,size:`h5`,mt:`md`,mb:`xs`,children:`Add a new student`}),(0,j.jsx)(`form`,{onSubmit:D,children:(0,j.jsxs)(r,{align:`flex-start`,gap:`sm`,wrap:`wrap`,children:[(0,j.jsx)(C,{label:`Given name`,required:!0,value:g,onChange:e=>_(e.currentTarget.value),error:T.givenName}),(0,j.jsx)(C,{label:`Family name`,required:!0,value:v,onChange:e=>y(e.currentTarget.value),error:T.familyName}),(0,j.jsx)(C,{label:`Student number`,value:S,onChange:e=>w(e.currentTarget.value),error:T.studentNumber}),(0,j.jsx)(n,{type:`submit`,mt:25,loading:o.fetching,children:`Add student`})]})}),(0,j.jsx)(f,{messages:l(u,[`givenName`,`familyName`,`studentNumber`])}),(0,j.jsx)(h,{error:o.error??i.error})]})}export{R as default};