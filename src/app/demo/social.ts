import { sql } from 'kysely';
import sharp from 'sharp';
import type { MemberWithActor } from '../../accounts/index.ts';
import type { Visibility } from '../../db/schema.ts';
import type { Viewer } from '../../platform/viewer.ts';
import { isBoostable, parseText } from '../../social/index.ts';
import type { Services } from '../services.ts';
import { DEMO_MEMBERS } from './members.ts';

/**
 * The demo community's social life: who follows whom, two weeks of posts, replies, boosts and
 * likes, and a few lists. Everything goes through the social services, as if the members had
 * done it themselves; the services stamp follows, likes, boosts and notifications with the
 * current time, so afterwards those are moved to when they happen in the story.
 *
 * All people, places and links are fictional; links point at example.org addresses, and their
 * preview cards come with the demo (nothing is fetched).
 */

// ---- follows ------------------------------------------------------------------------------

/** Accounts that approve their followers. Follows of them are requests, accepted unless in PENDING. */
export const LOCKED = ['kwame_sw', 'fiona_telehealth', 'msw_student_lea'];

/** Follow requests left waiting: [who asks, whom]. */
export const PENDING: Array<[string, string]> = [['researcher_ines', 'kwame_sw']];

/** Who follows whom: mostly people sharing a role or passion, some across roles. */
export const FOLLOWS: Record<string, string[]> = {
  dana: [
    'director_hassan',
    'youth_coord_rafa',
    'principal_pat',
    'ellen_k12',
    'teenservices_tova',
    'mslibrarian',
    'prof_lin',
    'ngaio',
    'sam_circdesk',
    'grace_msw',
    'wanjiru_k',
  ],
  mslibrarian: [
    'ellen_k12',
    'lis_student_maya',
    'mrs_h_reads',
    'principal_pat',
    'anjali_reads',
    'bookcartbrian',
    'jamie_writes',
    'amina_author',
    'teenservices_tova',
    'prof_lin',
    'mr_tanaka',
    'schoolsw_jordan',
  ],
  bookcartbrian: ['mr_tanaka', 'mslibrarian', 'stemwithsofia', 'lukas_bib', 'diego_lis', 'ms_oconnor', 'teenservices_tova', 'hana_edtech'],
  anjali_reads: ['mslibrarian', 'amina_author', 'jamie_writes', 'ngaio', 'marcus_storytime', 'ellen_k12', 'hana_edtech'],
  mr_tanaka: ['stemwithsofia', 'mr_adeyemi', 'hana_edtech', 'bookcartbrian', 'mslibrarian', 'dr_amara', 'schoolsw_jordan', 'ellen_k12'],
  teenservices_tova: [
    'sam_circdesk',
    'jamie_writes',
    'marcus_storytime',
    'priya_ps',
    'lukas_bib',
    'mslibrarian',
    'grace_msw',
    'youth_coord_rafa',
    'director_hassan',
    'bookcartbrian',
  ],
  marcus_storytime: ['amina_author', 'ngaio', 'ms_oconnor', 'teenservices_tova', 'youth_coord_rafa', 'mrs_h_reads', 'anjali_reads'],
  ngaio: ['marcus_storytime', 'anjali_reads', 'director_hassan', 'dana', 'priya_ps', 'oer_oliver'],
  priya_ps: ['director_hassan', 'dr_amara', 'oer_oliver', 'fiona_telehealth', 'teenservices_tova', 'hana_edtech', 'ngaio'],
  lukas_bib: ['bookcartbrian', 'diego_lis', 'stemwithsofia', 'teenservices_tova', 'oer_oliver', 'priya_ps'],
  dr_amara: ['oer_oliver', 'wanjiru_k', 'prof_lin', 'researcher_ines', 'mr_tanaka', 'priya_ps', 'lis_student_maya', 'coach_emeka'],
  oer_oliver: ['dr_amara', 'wanjiru_k', 'coach_emeka', 'researcher_ines', 'prof_lin', 'priya_ps'],
  wanjiru_k: ['dr_amara', 'oer_oliver', 'researcher_ines', 'prof_lin', 'dana', 'coach_emeka', 'kwame_sw'],
  sam_circdesk: ['teenservices_tova', 'director_hassan', 'ellen_k12', 'jamie_writes', 'marcus_storytime', 'youth_coord_rafa'],
  mrs_h_reads: ['mslibrarian', 'ms_oconnor', 'amina_author', 'hana_edtech', 'principal_pat', 'marcus_storytime'],
  stemwithsofia: ['mr_tanaka', 'bookcartbrian', 'hana_edtech', 'coach_emeka', 'diego_lis', 'lukas_bib'],
  mr_adeyemi: ['coach_emeka', 'mr_tanaka', 'hana_edtech', 'kwame_sw', 'dr_amara', 'stemwithsofia'],
  ms_oconnor: ['mrs_h_reads', 'marcus_storytime', 'schoolsw_jordan', 'bookcartbrian', 'amina_author', 'principal_pat'],
  principal_pat: ['mslibrarian', 'ellen_k12', 'mrs_h_reads', 'schoolsw_jordan', 'dana', 'director_hassan', 'prof_lin', 'coach_emeka'],
  director_hassan: ['priya_ps', 'dana', 'ellen_k12', 'sam_circdesk', 'ngaio', 'teenservices_tova', 'principal_pat', 'youth_coord_rafa'],
  grace_msw: [
    'schoolsw_jordan',
    'fiona_telehealth',
    'kwame_sw',
    'dr_whitfield',
    'msw_student_lea',
    'researcher_ines',
    'teenservices_tova',
    'priya_ps',
  ],
  schoolsw_jordan: [
    'grace_msw',
    'dr_whitfield',
    'ms_oconnor',
    'mslibrarian',
    'principal_pat',
    'fiona_telehealth',
    'msw_student_lea',
    'mr_tanaka',
  ],
  fiona_telehealth: ['grace_msw', 'kwame_sw', 'dr_whitfield', 'priya_ps', 'schoolsw_jordan'],
  kwame_sw: ['grace_msw', 'fiona_telehealth', 'dr_whitfield', 'mr_adeyemi', 'wanjiru_k'],
  prof_lin: [
    'lis_student_maya',
    'diego_lis',
    'mslibrarian',
    'dr_amara',
    'ellen_k12',
    'researcher_ines',
    'dana',
    'wanjiru_k',
    'anjali_reads',
  ],
  dr_whitfield: ['grace_msw', 'msw_student_lea', 'schoolsw_jordan', 'fiona_telehealth', 'kwame_sw', 'researcher_ines', 'prof_lin'],
  coach_emeka: ['mr_adeyemi', 'hana_edtech', 'oer_oliver', 'stemwithsofia', 'principal_pat', 'dr_amara'],
  jamie_writes: ['amina_author', 'mslibrarian', 'teenservices_tova', 'ellen_k12', 'anjali_reads', 'sam_circdesk'],
  amina_author: ['jamie_writes', 'anjali_reads', 'marcus_storytime', 'ngaio', 'mrs_h_reads', 'mslibrarian'],
  lis_student_maya: ['mslibrarian', 'prof_lin', 'diego_lis', 'ellen_k12', 'dr_amara', 'anjali_reads', 'msw_student_lea'],
  diego_lis: ['lis_student_maya', 'prof_lin', 'lukas_bib', 'bookcartbrian', 'stemwithsofia', 'teenservices_tova', 'msw_student_lea'],
  msw_student_lea: ['grace_msw', 'dr_whitfield', 'schoolsw_jordan', 'lis_student_maya', 'diego_lis', 'fiona_telehealth'],
  researcher_ines: ['wanjiru_k', 'dr_amara', 'prof_lin', 'dr_whitfield', 'oer_oliver', 'kwame_sw'],
  youth_coord_rafa: ['dana', 'teenservices_tova', 'marcus_storytime', 'sam_circdesk', 'director_hassan', 'amina_author'],
  hana_edtech: ['coach_emeka', 'mr_tanaka', 'stemwithsofia', 'mr_adeyemi', 'priya_ps'],
  ellen_k12: ['mslibrarian', 'director_hassan', 'jamie_writes', 'sam_circdesk', 'principal_pat', 'dana', 'prof_lin'],
};

/** Hashtags members follow (their posts show up in the follower's home timeline). */
export const HASHTAG_FOLLOWS: Record<string, string[]> = {
  dana: ['librarylife'],
  mslibrarian: ['tlchat', 'genrefication'],
  ellen_k12: ['bannedbooks', 'tlchat'],
  prof_lin: ['tlchat', 'mlis'],
  lis_student_maya: ['tlchat', 'genrefication'],
  grace_msw: ['MacroSW', 'childwelfare'],
  dr_whitfield: ['MacroSW'],
  msw_student_lea: ['MacroSW', 'childwelfare'],
  hana_edtech: ['edtech'],
  coach_emeka: ['edtech', 'oer'],
  oer_oliver: ['oer'],
  jamie_writes: ['graphicnovels', 'bannedbooks'],
  teenservices_tova: ['graphicnovels', 'makerspaces'],
  diego_lis: ['makerspaces'],
};

// ---- posts --------------------------------------------------------------------------------

export interface DemoPost {
  /** A name for replies, boosts, likes and pins to refer to. */
  key?: string;
  by: string;
  /** How long before the demo is loaded: "3d 4h", "0d 45m". */
  ago: string;
  text: string;
  cw?: string;
  /** Public unless said; a reply has the audience of the post it answers unless said. */
  visibility?: Visibility;
  /** The key of the post this answers. */
  replyTo?: string;
  image?: { file: 'circulation-chart'; alt: string };
}

/** Two weeks of posts, oldest first. */
export const POSTS: DemoPost[] = [
  // ---- two weeks ago
  {
    key: 'welcome',
    by: 'dana',
    ago: '13d 22h',
    text: 'Welcome to the commonroom, everyone! 👋 This server is for librarians, teachers, social workers and everyone who works alongside them. Say hello, tell us what you are working on, and follow a few hashtags: #tlchat, #MacroSW, #edtech and #librarylife are a good start.',
  },
  {
    key: 'rosa-hello',
    by: 'mslibrarian',
    ago: '13d 20h',
    text: 'Hello! Solo elementary librarian in Austin. Last summer I genrefied our whole fiction collection (about 9,000 books) and circulation went up 38%. Ask me anything about #genrefication; I have opinions and a label maker. #tlchat',
  },
  {
    key: 'grace-hello',
    by: 'grace_msw',
    ago: '13d 18h',
    text: 'First post here. Child welfare caseworker in Ohio, and usually the only social worker in the room. Hoping to find people who think about #childwelfare, trauma-informed practice and the ethics of the tech we are handed. #MacroSW',
  },
  {
    key: 'whit-grace',
    by: 'dr_whitfield',
    ago: '13d 17h',
    replyTo: 'grace-hello',
    text: '@grace_msw Welcome, Grace! #MacroSW chats run on Thursdays and we would love your practice perspective. My students are here too, so expect some questions.',
  },
  {
    key: 'lin-students',
    by: 'prof_lin',
    ago: '13d 6h',
    text: 'Dear colleagues: my school librarianship students are joining this week to start their PLNs. If you are a practising librarian, one friendly reply to a student goes a long way. Thank you! #tlchat #mlis',
  },
  {
    key: 'tova-manga',
    by: 'teenservices_tova',
    ago: '12d 23h',
    text: 'Manga club update: 14 teens last Thursday, a heated debate about whether Spy x Family is a comedy or a thriller, and one kid who drew the whole club as cats. #graphicnovels #librarylife',
  },
  {
    key: 'jamie-cat',
    by: 'jamie_writes',
    ago: '12d 21h',
    replyTo: 'tova-manga',
    text: '@teenservices_tova Please tell the cat artist that a professional comics person says their work is important.',
  },
  {
    by: 'teenservices_tova',
    ago: '12d 20h',
    replyTo: 'jamie-cat',
    text: '@jamie_writes They printed your reply and taped it to the club poster. You are canon now.',
  },
  {
    key: 'oliver-flow',
    by: 'oer_oliver',
    ago: '12d 14h',
    text: 'Reminder that “free to read” is not the same as “free to adapt”. If you want to remix a textbook for your course, check the licence first. My one-page flowchart: https://scholcomm.example.org/oer-licence-flowchart #oer #copyright',
  },
  {
    key: 'amara-q',
    by: 'dr_amara',
    ago: '12d 12h',
    replyTo: 'oliver-flow',
    text: '@oer_oliver This flowchart lives on my office door now. Question: if a chapter is CC BY-NC and our university sells printed course packs at cost, is that still “non-commercial”?',
  },
  {
    key: 'oliver-a',
    by: 'oer_oliver',
    ago: '12d 10h',
    replyTo: 'amara-q',
    text: '@dr_amara Short answer: printing at cost is generally fine; NC is about making a profit, not about money changing hands at all. The long answer lives in the scary corner of my flowchart. Happy to look at your case.',
  },
  {
    key: 'hana-ai',
    by: 'hana_edtech',
    ago: '12d 3h',
    text: 'Tested five AI “reading level” tools this week so my colleagues do not have to. Two were fine, two disagreed with each other by three grade levels on the same text, and one wanted the students’ full names. Write-up soon. #edtech',
  },
  {
    by: 'coach_emeka',
    ago: '12d 1h',
    replyTo: 'hana-ai',
    text: '@hana_edtech The one that wanted full names is the headline. Data minimisation should be the first question we ask of a tool, not the last.',
  },

  {
    key: 'ellen-board',
    by: 'ellen_k12',
    ago: '11d 20h',
    cw: 'book challenge, hostile comments at a school board meeting',
    text: 'Board meeting last night. Eleven titles challenged, three hours of public comment, and some of it was aimed at me personally.\n\nBut: forty students showed up with signs that said “Let us read”. I am tired and I am so proud of them. #bannedbooks #tlchat',
  },
  {
    key: 'hassan-policy',
    by: 'director_hassan',
    ago: '11d 18h',
    replyTo: 'ellen-board',
    text: '@ellen_k12 Those students are the whole argument. If it helps, our reconsideration policy and the letter of support our board adopted are here: https://lakeside.example.org/policies/reconsideration #bannedbooks',
  },
  {
    by: 'jamie_writes',
    ago: '11d 17h',
    replyTo: 'ellen-board',
    text: '@ellen_k12 One of my books is probably on someone’s list somewhere. Thank you for standing in that room, and please tell your students an author says thank you too.',
  },
  {
    by: 'sam_circdesk',
    ago: '11d 15h',
    replyTo: 'ellen-board',
    text: '@ellen_k12 Sending good-pen energy from the Tri-County circ desk. Rest this weekend.',
  },
  {
    key: 'marcus-storytime',
    by: 'marcus_storytime',
    ago: '11d 9h',
    text: 'Today’s baby storytime: 22 babies, 19 grown-ups, and one “Wheels on the Bus” that lasted eleven minutes because a toddler kept requesting encores. #storytime #earlylit',
  },
  {
    key: 'helen-sort',
    by: 'mrs_h_reads',
    ago: '11d 2h',
    text: 'My second graders voted to re-sort our classroom library into “books that make you laugh”, “books that make you brave” and “books with dogs”. I am not going to argue with democracy. #tlchat #earlylit',
  },
  {
    by: 'mslibrarian',
    ago: '11d 1h',
    replyTo: 'helen-sort',
    text: '@mrs_h_reads This is genrefication in its purest form! Kids know how they browse. (“Books with dogs” would circulate beautifully in my library too.) #genrefication',
  },

  {
    key: 'kenji-pod',
    by: 'mr_tanaka',
    ago: '10d 22h',
    text: 'Episode 12 of our student news-literacy podcast is out: three Grade 11s try to trace a viral photo back to its source and end up in a forum thread from 2009. https://harbourview.example.org/podcast/episode-12 #medialit',
  },
  {
    key: 'tunde-collab',
    by: 'mr_adeyemi',
    ago: '10d 19h',
    replyTo: 'kenji-pod',
    text: '@mr_tanaka My class listened to this today. They want to try the same with a photo that went round Lagos last month. Would your students do a cross-continental episode?',
  },
  {
    by: 'mr_tanaka',
    ago: '10d 17h',
    replyTo: 'tunde-collab',
    text: '@mr_adeyemi They said yes before I finished reading your reply. Let’s find a time that is not 3 a.m. for either of us.',
  },
  {
    key: 'grace-hard',
    by: 'grace_msw',
    ago: '10d 15h',
    visibility: 'followers',
    cw: 'child welfare, a hard week (no case details)',
    text: 'Hard week. Removals are sometimes the right call and always a loss. I am writing this mostly to remind myself to do what I tell families: eat something, drink water, call someone.\n\nCalling someone tonight.',
  },
  {
    by: 'fiona_telehealth',
    ago: '10d 13h',
    replyTo: 'grace-hard',
    text: '@grace_msw Thinking of you. Water, food, and a walk somewhere with no signal. We can talk on Thursday if you like.',
  },
  {
    key: 'macrosw-chat',
    by: 'dr_whitfield',
    ago: '10d 6h',
    text: '#MacroSW this Thursday: “Who owns the case note?” Client access to records, the new case-management apps, and what consent means when the software vendor can read everything. Bring your questions. #socialwork',
  },

  {
    key: 'diego-ref',
    by: 'diego_lis',
    ago: '9d 21h',
    text: 'Week 2 of my MLIS. Confession: I was a software engineer for eight years and had never heard of a reference interview. It is requirements gathering, but kinder. #mlis #librarylife',
  },
  {
    key: 'lin-diego',
    by: 'prof_lin',
    ago: '9d 20h',
    replyTo: 'diego-ref',
    text: '@diego_lis The best one-line summary of the reference interview I have read. May I quote you in class, with or without your name?',
  },
  { by: 'diego_lis', ago: '9d 19h', replyTo: 'lin-diego', text: '@prof_lin With my name, please. My old team will be thrilled.' },
  {
    key: 'anjali-visit',
    by: 'anjali_reads',
    ago: '9d 12h',
    text: 'Looking for picture-book authors who would visit our Grade 2 classes virtually. Our mornings are your evenings if you are in the Americas. We can offer enthusiastic seven-year-olds and a very good microphone. #authorvisits #tlchat',
  },
  {
    key: 'wanjiru-mentor',
    by: 'wanjiru_k',
    ago: '9d 8h',
    text: 'Our mentoring circle for early-career librarians in East Africa met for the sixth time today: 23 people, four countries, and one shared document of questions nobody felt able to ask their managers. Mentoring works. #librarylife',
  },
  {
    by: 'amina_author',
    ago: '9d 4h',
    replyTo: 'anjali-visit',
    text: '@anjali_reads I would love to! Early mornings in Toronto are my writing hours anyway. Let’s find a date.',
  },

  {
    key: 'lukas-repair',
    by: 'lukas_bib',
    ago: '8d 23h',
    visibility: 'members',
    text: 'Repair café on Saturday: 31 repairs, including a 1970s radio, six bicycles and a very loved stuffed rabbit. The rabbit needed the most patience. #makerspaces',
  },
  {
    key: 'brian-maker',
    by: 'bookcartbrian',
    ago: '8d 20h',
    text: 'Our makerspace started as a box of cardboard. Today a Year 9 student printed a replacement part for the school’s broken stapler and the office staff applauded. What are your students making this term? #makerspaces #tlchat',
  },
  {
    by: 'stemwithsofia',
    ago: '8d 17h',
    replyTo: 'brian-maker',
    text: '@bookcartbrian Micro:bit weather stations, one per classroom window. Two of them report snow in Vancouver in spring, so debugging is this week’s lesson. #makerspaces',
  },
  {
    key: 'diego-maker-q',
    by: 'diego_lis',
    ago: '8d 15h',
    replyTo: 'brian-maker',
    text: '@bookcartbrian How do you keep it welcoming for students who do not already think of themselves as “makers”? That is the part I want to get right.',
  },
  {
    by: 'bookcartbrian',
    ago: '8d 13h',
    replyTo: 'diego-maker-q',
    text: '@diego_lis Start with fixing, not making: everyone has a broken thing. And keep the craft supplies next to the electronics, so nobody has to choose an identity at the door.',
  },
  {
    key: 'hassan-budget',
    by: 'director_hassan',
    ago: '8d 10h',
    text: 'Budget hearing went well: the council kept Sunday hours AND funded our digital navigator for another year. Thank you to everyone who wrote in. Libraries are infrastructure. #librarylife',
  },
  {
    key: 'priya-tele',
    by: 'priya_ps',
    ago: '8d 5h',
    text: 'Our digital navigators helped 140 people book telehealth appointments last quarter. Most common question: “where do I click to turn on my camera?” Second most common: “can you stay with me while I talk to the doctor?” (Yes.) #telehealth #librarylife',
  },
  {
    key: 'fiona-priv',
    by: 'fiona_telehealth',
    ago: '8d 3h',
    replyTo: 'priya-tele',
    text: '@priya_ps This is exactly the gap we see in the Highlands. How do you prepare the navigators for privacy? Sitting in on a medical call is a big responsibility.',
  },

  {
    by: 'priya_ps',
    ago: '7d 22h',
    replyTo: 'fiona-priv',
    text: '@fiona_telehealth A short script: ask every time, step out for the clinical part unless asked to stay, never write anything down. Our training slides: https://lakeside.example.org/digital-navigators/training #telehealth',
  },
  {
    key: 'ngaio-reo',
    by: 'ngaio',
    ago: '7d 20h',
    text: 'We finished re-labelling our te reo Māori collection with guidance from three local iwi. Eighteen months and many cups of tea later, the kids find their own books without asking. Collections should reflect their place. #librarylife',
  },
  {
    key: 'rafa-sheet',
    by: 'youth_coord_rafa',
    ago: '7d 14h',
    text: 'Summer reading planning has begun: 14 libraries, one shared spreadsheet, 2,347 rows. Please send snacks. #summerreading #librarylife',
  },
  {
    by: 'sam_circdesk',
    ago: '7d 12h',
    replyTo: 'rafa-sheet',
    text: '@youth_coord_rafa The bookmobile can cover the three rural stops again. I will bring snacks, in the bookmobile.',
  },
  {
    key: 'kwame-sheet',
    by: 'kwame_sw',
    ago: '7d 10h',
    visibility: 'followers',
    text: 'Our family support network moved from paper files to a shared spreadsheet with proper access controls this month. Not glamorous. Much safer. Small NGOs deserve good, boring technology. #socialwork',
  },
  {
    by: 'dr_whitfield',
    ago: '7d 8h',
    replyTo: 'kwame-sheet',
    text: '@kwame_sw “Good, boring technology” belongs on a poster in every agency. Could I use this, anonymised, as a case in my practice and technology class?',
  },
  {
    key: 'lea-st',
    by: 'msw_student_lea',
    ago: '7d 4h',
    cw: 'secondary trauma',
    text: 'Field placement is teaching me that reading a case file can stay with you for days. Our supervisor makes us debrief after every file review, and I did not understand why until this week. Grateful for good supervision. #MacroSW #socialwork',
  },
  {
    key: 'grace-lea',
    by: 'grace_msw',
    ago: '7d 2h',
    replyTo: 'lea-st',
    text: '@msw_student_lea It never fully stops, but you get better at putting it down at the end of the day. Good supervision is the whole job. Keep asking for it, even after you qualify.',
  },

  // ---- last week
  {
    key: 'genre',
    by: 'mslibrarian',
    ago: '6d 22h',
    text: 'Genrefication, year one, the honest version: what worked, what I would do differently, and the spreadsheet I used to move 9,000 books in four weeks. https://blog.example.org/rosa/genrefication-year-one #genrefication #tlchat',
  },
  {
    key: 'genre-1',
    by: 'ellen_k12',
    ago: '6d 21h',
    replyTo: 'genre',
    text: '@mslibrarian Saving this. Honest question: did you genrefy nonfiction too, or only fiction? My middle schoolers hunt for nonfiction by topic and Dewey keeps fighting them.',
  },
  {
    key: 'genre-2',
    by: 'mslibrarian',
    ago: '6d 20h',
    replyTo: 'genre-1',
    text: '@ellen_k12 Fiction only in year one. For nonfiction I kept Dewey but added big topic signs (“Animals”, “Sports”, “How things work”) and face-out displays. That got us 80% of the benefit for 10% of the work.',
  },
  {
    key: 'genre-3',
    by: 'lis_student_maya',
    ago: '6d 18h',
    replyTo: 'genre-2',
    text: '@mslibrarian @ellen_k12 Practicum student here: I counted, and since the topic signs went up, nonfiction checkouts by second graders have doubled. The “Sharks” sign alone deserves an award.',
  },
  {
    key: 'genre-4',
    by: 'ellen_k12',
    ago: '6d 16h',
    replyTo: 'genre-3',
    text: '@lis_student_maya @mslibrarian Data AND sharks. I am convinced: topic signs go up over spring break, and I will report back. #genrefication',
  },
  {
    key: 'pat-visit',
    by: 'principal_pat',
    ago: '6d 12h',
    text: 'Walked into @mslibrarian’s library at 7:40 this morning and twelve kids were already reading on the floor. A strong school library is the cheapest whole-school improvement I know. #tlchat #schoollibraries',
  },
  {
    key: 'hana-writeup',
    by: 'hana_edtech',
    ago: '6d 8h',
    text: 'The promised write-up on AI reading-level tools: what we tested, how, and why we are not buying any of them this year. https://learning.example.org/hana/reading-level-tools #edtech',
  },
  {
    key: 'tunde-headline',
    by: 'mr_adeyemi',
    ago: '6d 2h',
    text: 'Asked my students to rewrite a misleading headline so it says only what the article supports. Best of the day: “Scientists say chocolate is good for you” became “Some mice were fine after eating some chocolate”. #medialit #edtech',
  },

  {
    key: 'amara-dotorg',
    by: 'dr_amara',
    ago: '5d 22h',
    text: 'First-year information literacy workshop today. I asked how you can tell a source is trustworthy, and a student said “if it ends in .org”. Next week’s example is ready: https://totally-real-science.example.org #infolit',
  },
  {
    key: 'jordan-calm',
    by: 'schoolsw_jordan',
    ago: '5d 18h',
    text: 'Teamed up with @mr_tanaka and his library on a calm corner: beanbags, noise-cancelling headphones and a shelf of books about big feelings. Referrals to my office for “needs a break” dropped by a third. Librarians are my favourite colleagues. #tlchat #socialwork',
  },
  {
    key: 'kenji-biblio',
    by: 'mr_tanaka',
    ago: '5d 16h',
    replyTo: 'jordan-calm',
    text: '@schoolsw_jordan The book shelf was your idea and it empties every week. Next: a bibliotherapy list we build with the students?',
  },
  {
    by: 'schoolsw_jordan',
    ago: '5d 14h',
    replyTo: 'kenji-biblio',
    text: '@mr_tanaka Yes. Chosen by students, reviewed by both of us, no diagnoses in the titles. Let’s start on Monday.',
  },
  {
    key: 'amina-visit',
    by: 'amina_author',
    ago: '5d 10h',
    text: 'Visited @anjali_reads and her Grade 2 classes this morning (their morning, my night). A seven-year-old asked whether my characters get paid. I am rethinking my entire career. #authorvisits',
  },
  {
    by: 'anjali_reads',
    ago: '5d 8h',
    replyTo: 'amina-visit',
    text: '@amina_author The children have not stopped talking about it. One of them has already written a sequel in which the characters form a union.',
  },
  {
    key: 'aoife-circle',
    by: 'ms_oconnor',
    ago: '5d 4h',
    text: 'Restorative circle this morning began with “what made you smile this week?”. Answers included a new baby brother, a wobbly tooth and “my dog ate my dad’s sandwich”. Junior infants are the best colleagues. #restorativepractices',
  },

  {
    key: 'grace-video',
    by: 'grace_msw',
    ago: '4d 22h',
    text: 'Question for #MacroSW and #childwelfare folks: our agency is piloting video calls for some family contact. What have you seen work for very young children? Five minutes of screen is a long time when you are three.',
  },
  {
    key: 'fiona-video',
    by: 'fiona_telehealth',
    ago: '4d 20h',
    replyTo: 'grace-video',
    text: '@grace_msw What worked for us: the carer holds the device, the worker narrates, and there is a shared activity, like the same picture book at both ends. Short and often beats long and rare.',
  },
  {
    key: 'marcus-video',
    by: 'marcus_storytime',
    ago: '4d 19h',
    replyTo: 'grace-video',
    text: '@grace_msw Storytime librarian here, not a social worker, but: songs with actions travel over video much better than stories. Little ones copy movements long before they follow a plot.',
  },
  {
    key: 'grace-marcus',
    by: 'grace_msw',
    ago: '4d 17h',
    replyTo: 'marcus-video',
    text: '@marcus_storytime This is so useful, thank you. Would you share a few favourites? Learning across professions is why I am here.',
  },
  {
    by: 'marcus_storytime',
    ago: '4d 15h',
    replyTo: 'grace-marcus',
    text: '@grace_msw Of course! Ten songs that work on a video call, with the actions written out: https://riverside.example.org/storytime/video-songs #earlylit #storytime',
  },
  {
    key: 'lea-rec',
    by: 'msw_student_lea',
    ago: '4d 12h',
    replyTo: 'fiona-video',
    text: '@fiona_telehealth Do you record these calls? Our class debated whether recording protects families or just creates another file about them.',
  },
  {
    by: 'dr_whitfield',
    ago: '4d 10h',
    replyTo: 'lea-rec',
    text: '@msw_student_lea @fiona_telehealth A great question for Thursday’s chat. My short answer: only with informed consent, a clear purpose and a deletion date. #MacroSW',
  },
  {
    key: 'sofia-club',
    by: 'stemwithsofia',
    ago: '4d 6h',
    text: 'Coding club is now co-run by the library, which means snacks, a quiet room and someone who knows copyright. Best upgrade ever. #edtech #makerspaces',
  },
  {
    key: 'jamie-drop',
    by: 'jamie_writes',
    ago: '4d 2h',
    text: 'Thumbnails for the next book are done: a kid, a library book that is secretly a door, and a very suspicious book drop. Librarians: what is the strangest thing you have found in yours? (This is research.) #graphicnovels',
  },
  {
    key: 'sam-cray',
    by: 'sam_circdesk',
    ago: '3d 23h',
    replyTo: 'jamie-drop',
    text: '@jamie_writes A live crayfish, in a plastic tub, with a note that said “he is returning too”.',
  },
  {
    by: 'jamie_writes',
    ago: '3d 22h',
    replyTo: 'sam-cray',
    text: '@sam_circdesk This is going in the book. You will be in the acknowledgements.',
  },

  {
    key: 'ellen-update',
    by: 'ellen_k12',
    ago: '3d 20h',
    text: 'Update from the board: nine of the eleven challenged titles stay on our shelves after review. Two move to the high school library, where their reading level belongs anyway. The process worked because people showed up. Thank you all. #bannedbooks #tlchat',
  },
  {
    key: 'dana-invite',
    by: 'dana',
    ago: '3d 18h',
    replyTo: 'ellen-update',
    text: '@ellen_k12 Wonderful news. Would you talk about how you prepared at our association’s spring meeting? So many people here could use your playbook.',
  },
  {
    by: 'ellen_k12',
    ago: '3d 16h',
    replyTo: 'dana-invite',
    text: '@dana Yes, happily. Fair warning: the playbook is mostly “document everything and bring students”.',
  },
  {
    key: 'maya-first',
    by: 'lis_student_maya',
    ago: '3d 12h',
    text: 'Practicum week 6: I led my first class visit on my own. Twenty-four first graders, one read-aloud, zero disasters, and one child who hugged the book cart. I think I chose the right career. #mlis #tlchat',
  },
  {
    by: 'prof_lin',
    ago: '3d 10h',
    replyTo: 'maya-first',
    text: '@lis_student_maya The book-cart hug is the true measure of success. Proud of you!',
  },
  {
    key: 'ines-preprint',
    by: 'researcher_ines',
    ago: '3d 6h',
    text: 'New preprint: how librarians and social workers learn from each other in online networks. Spoiler: the most valuable posts are the ones that ask a question. https://preprints.example.org/carvalho/learning-in-public #infolit',
  },
  {
    by: 'wanjiru_k',
    ago: '3d 3h',
    replyTo: 'ines-preprint',
    text: '@researcher_ines Reading this with our mentoring circle next week. The finding about questions matches what we see: the bravest question gets the most helpful answers.',
  },

  {
    key: 'tova-parents',
    by: 'teenservices_tova',
    ago: '2d 22h',
    text: 'Our teens asked for a graphic novel book club for adults (their parents). Eight parents came. One said it was her first comic since 1987. Next month: Nimona. #graphicnovels #librarylife',
  },
  {
    key: 'priya-oer',
    by: 'priya_ps',
    ago: '2d 18h',
    text: 'The course materials we built for our digital literacy classes (email, video calls, spotting scams) are now openly licensed. Adapt them for your library! https://lakeside.example.org/open/digital-literacy #oer',
  },
  {
    by: 'oer_oliver',
    ago: '2d 14h',
    replyTo: 'priya-oer',
    text: '@priya_ps CC BY and editable files! You have made a licence nerd very happy. Adding these to our open materials guide. #oer',
  },
  {
    key: 'emeka-one',
    by: 'coach_emeka',
    ago: '2d 10h',
    text: 'One tool, used well: this term our teachers chose a single shared class notebook. Three months later, feedback reaches students faster and nobody has a new password to forget. Fewer apps, more teaching. #edtech',
  },
  { by: 'hana_edtech', ago: '2d 8h', replyTo: 'emeka-one', text: '@coach_emeka “Fewer apps, more teaching.” This is going on a mug.' },
  {
    key: 'kwame-group',
    by: 'kwame_sw',
    ago: '2d 4h',
    visibility: 'followers',
    text: 'Community meeting today about a family support WhatsApp group that grew too big to be safe. We agreed on three rules: no names, no photos of children, and one moderator awake at all times. #childwelfare',
  },

  {
    key: 'whit-summary',
    by: 'dr_whitfield',
    ago: '1d 22h',
    text: 'Thank you to everyone at #MacroSW last night: 62 people and a lot of honest talk about case notes and consent. Summary and reading list: https://socialwork.example.org/macrosw/case-notes #socialwork',
  },
  {
    key: 'jordan-list',
    by: 'schoolsw_jordan',
    ago: '1d 18h',
    cw: 'self-harm (resources, no details)',
    text: 'I put together a short list of books and local helplines for staff who support students at risk of self-harm, reviewed with our school nurse. Librarians: could you check whether these are on your shelves? https://harbourview.example.org/wellbeing/staff-reading-list #socialwork #tlchat',
  },
  {
    by: 'mslibrarian',
    ago: '1d 16h',
    replyTo: 'jordan-list',
    text: '@schoolsw_jordan All but two are on our shelves, and I will order those this week. Thank you for reviewing it with the nurse.',
  },
  {
    key: 'rosa-chart',
    by: 'mslibrarian',
    ago: '1d 12h',
    text: 'Genrefication, year one, in one chart: fiction checkouts per month, last school year in grey and this one in blue. Every single month is up. #genrefication #tlchat',
    image: {
      file: 'circulation-chart',
      alt: 'Bar chart of fiction checkouts per month from September to March. Last year’s grey bars range from 860 (December) to 1,180 (October). This year’s blue bars are higher every month, from 1,190 in December to 1,630 in October: about 38% more overall.',
    },
  },
  {
    key: 'brian-film',
    by: 'bookcartbrian',
    ago: '1d 8h',
    text: 'Our Year 8s made a stop-motion film about the library’s history, with the old card catalogue as the set. I have never seen a card catalogue look so cinematic. #makerspaces #librarylife',
  },
  {
    key: 'hassan-display',
    by: 'director_hassan',
    ago: '1d 4h',
    text: 'A #bannedbooks display that worked for us: books wrapped in brown paper, with only the reason they were challenged written on the cover. People borrowed them to find out. Photos: https://lakeside.example.org/blog/blind-date-with-a-banned-book',
  },
  { by: 'ellen_k12', ago: '1d 2h', replyTo: 'hassan-display', text: '@director_hassan Stealing this. Respectfully.' },

  // ---- today
  {
    key: 'aoife-q',
    by: 'ms_oconnor',
    ago: '0d 22h',
    text: 'Does anyone have a favourite picture book about starting school for children who speak another language at home? We have three new junior infants and I want them to see themselves on day one. #earlylit #tlchat',
  },
  {
    by: 'anjali_reads',
    ago: '0d 20h',
    replyTo: 'aoife-q',
    text: '@ms_oconnor Two that work beautifully in our school are on our library’s list: https://greenwood.example.org/library/new-to-school',
  },
  {
    by: 'amina_author',
    ago: '0d 18h',
    replyTo: 'aoife-q',
    text: '@ms_oconnor I may be biased, but my second book is about exactly this. I would be glad to send your class a signed copy.',
  },
  {
    key: 'helen-brave',
    by: 'mrs_h_reads',
    ago: '0d 14h',
    text: 'Reading conference with a student today: “I like this book because the dog is brave but also scared, like me.” That is literary analysis. That is the whole thing. #earlylit',
  },
  {
    key: 'diego-repair',
    by: 'diego_lis',
    ago: '0d 11h',
    text: 'Joined @lukas_bib’s repair café by video (thank you, Lukas!) and now I want a repair café in every library. Drafting a proposal for my community engagement project. #makerspaces #mlis',
  },
  {
    key: 'rafa-db',
    by: 'youth_coord_rafa',
    ago: '0d 8h',
    text: 'Summer reading update: the spreadsheet has become a database. Nobody panic. Sign-ups open at all 14 libraries next month. #summerreading',
  },
  {
    key: 'wanjiru-dmp',
    by: 'wanjiru_k',
    ago: '0d 6h',
    text: 'Data management plan clinic for PhD students today. Most common question: “where do I keep my data after I graduate?” We need more repository librarians, everywhere. #librarylife',
  },
  {
    key: 'dm',
    by: 'mslibrarian',
    ago: '0d 5h',
    visibility: 'direct',
    text: '@lis_student_maya Could you lead Thursday’s genre-label session with the third graders? You are ready, and I will be right there with the label maker.',
  },
  {
    by: 'lis_student_maya',
    ago: '0d 4h',
    replyTo: 'dm',
    text: '@mslibrarian Yes! Nervous, but yes. I will prepare the “mystery” and “funny” labels tonight.',
  },
  {
    key: 'grace-thanks',
    by: 'grace_msw',
    ago: '0d 3h',
    text: 'Two weeks on this server and I have learned more from librarians than from my last three trainings. Thank you for letting a social worker in. #MacroSW #librarylife',
  },
  { by: 'dana', ago: '0d 2h', replyTo: 'grace-thanks', text: '@grace_msw You were always in. That is the point of a commonroom.' },
  {
    key: 'tova-keychain',
    by: 'teenservices_tova',
    ago: '0d 1h',
    text: 'Manga club made 3D-printed keychains of everyone’s favourite characters today. The printer behaved. Miracles happen. #makerspaces #graphicnovels',
  },
];

/** Boosts: who shares which post, and when. */
export const BOOSTS: Array<{ by: string; post: string; ago: string }> = [
  { by: 'mslibrarian', post: 'welcome', ago: '13d 21h' },
  { by: 'grace_msw', post: 'welcome', ago: '13d 17h' },
  { by: 'mslibrarian', post: 'lin-students', ago: '13d 5h' },
  { by: 'dr_amara', post: 'lin-students', ago: '13d 4h' },
  { by: 'dr_amara', post: 'oliver-flow', ago: '12d 13h' },
  { by: 'coach_emeka', post: 'oliver-flow', ago: '12d 8h' },
  { by: 'priya_ps', post: 'oliver-flow', ago: '12d 6h' },
  { by: 'director_hassan', post: 'ellen-board', ago: '11d 19h' },
  { by: 'jamie_writes', post: 'ellen-board', ago: '11d 17h' },
  { by: 'mslibrarian', post: 'ellen-board', ago: '11d 16h' },
  { by: 'dana', post: 'ellen-board', ago: '11d 14h' },
  { by: 'mr_adeyemi', post: 'kenji-pod', ago: '10d 20h' },
  { by: 'hana_edtech', post: 'kenji-pod', ago: '10d 16h' },
  { by: 'grace_msw', post: 'macrosw-chat', ago: '10d 5h' },
  { by: 'schoolsw_jordan', post: 'macrosw-chat', ago: '10d 4h' },
  { by: 'msw_student_lea', post: 'macrosw-chat', ago: '10d 3h' },
  { by: 'fiona_telehealth', post: 'priya-tele', ago: '8d 4h' },
  { by: 'director_hassan', post: 'priya-tele', ago: '8d 2h' },
  { by: 'ellen_k12', post: 'genre', ago: '6d 21h' },
  { by: 'lis_student_maya', post: 'genre', ago: '6d 19h' },
  { by: 'prof_lin', post: 'genre', ago: '6d 17h' },
  { by: 'principal_pat', post: 'genre', ago: '6d 13h' },
  { by: 'coach_emeka', post: 'hana-writeup', ago: '6d 6h' },
  { by: 'mr_tanaka', post: 'hana-writeup', ago: '6d 4h' },
  { by: 'dr_whitfield', post: 'grace-video', ago: '4d 21h' },
  { by: 'msw_student_lea', post: 'grace-video', ago: '4d 20h' },
  { by: 'dana', post: 'ellen-update', ago: '3d 19h' },
  { by: 'director_hassan', post: 'ellen-update', ago: '3d 17h' },
  { by: 'sam_circdesk', post: 'ellen-update', ago: '3d 15h' },
  { by: 'dr_amara', post: 'ines-preprint', ago: '3d 5h' },
  { by: 'wanjiru_k', post: 'ines-preprint', ago: '3d 4h' },
  { by: 'oer_oliver', post: 'priya-oer', ago: '2d 13h' },
  { by: 'dr_amara', post: 'priya-oer', ago: '2d 12h' },
  { by: 'grace_msw', post: 'whit-summary', ago: '1d 20h' },
  { by: 'kwame_sw', post: 'whit-summary', ago: '1d 19h' },
  { by: 'lis_student_maya', post: 'rosa-chart', ago: '1d 11h' },
  { by: 'ellen_k12', post: 'rosa-chart', ago: '1d 10h' },
  { by: 'ellen_k12', post: 'hassan-display', ago: '1d 3h' },
  { by: 'jamie_writes', post: 'hassan-display', ago: '1d 1h' },
];

/** Likes: who likes which post (each a little while after the post, in this order). */
export const LIKES: Record<string, string[]> = {
  welcome: [
    'mslibrarian',
    'grace_msw',
    'prof_lin',
    'director_hassan',
    'youth_coord_rafa',
    'teenservices_tova',
    'ellen_k12',
    'wanjiru_k',
    'principal_pat',
    'sam_circdesk',
  ],
  'rosa-hello': ['ellen_k12', 'lis_student_maya', 'mrs_h_reads', 'anjali_reads', 'prof_lin'],
  'grace-hello': ['schoolsw_jordan', 'fiona_telehealth', 'msw_student_lea', 'dr_whitfield', 'teenservices_tova'],
  'whit-grace': ['grace_msw'],
  'lin-students': ['mslibrarian', 'ellen_k12', 'dr_amara', 'lis_student_maya', 'diego_lis'],
  'tova-manga': ['jamie_writes', 'sam_circdesk', 'bookcartbrian', 'marcus_storytime'],
  'jamie-cat': ['teenservices_tova', 'amina_author'],
  'oliver-flow': ['dr_amara', 'wanjiru_k', 'researcher_ines', 'priya_ps', 'prof_lin'],
  'oliver-a': ['dr_amara'],
  'hana-ai': ['coach_emeka', 'mr_tanaka', 'stemwithsofia', 'mr_adeyemi', 'priya_ps'],
  'ellen-board': ['mslibrarian', 'director_hassan', 'jamie_writes', 'sam_circdesk', 'principal_pat', 'dana', 'prof_lin'],
  'hassan-policy': ['ellen_k12', 'dana'],
  'marcus-storytime': ['amina_author', 'ms_oconnor', 'youth_coord_rafa'],
  'kenji-pod': ['mr_adeyemi', 'stemwithsofia', 'hana_edtech', 'schoolsw_jordan'],
  'grace-hard': ['fiona_telehealth', 'schoolsw_jordan', 'msw_student_lea'],
  'macrosw-chat': ['grace_msw', 'msw_student_lea', 'fiona_telehealth', 'researcher_ines'],
  'diego-ref': ['prof_lin', 'lis_student_maya', 'msw_student_lea'],
  'anjali-visit': ['amina_author', 'jamie_writes'],
  'wanjiru-mentor': ['dr_amara', 'oer_oliver', 'researcher_ines', 'prof_lin', 'dana'],
  'lukas-repair': ['bookcartbrian', 'diego_lis', 'stemwithsofia', 'teenservices_tova'],
  'brian-maker': ['mr_tanaka', 'stemwithsofia', 'lukas_bib', 'diego_lis'],
  'hassan-budget': ['dana', 'priya_ps', 'ngaio'],
  'priya-tele': ['fiona_telehealth', 'director_hassan', 'ngaio'],
  'ngaio-reo': ['marcus_storytime', 'anjali_reads', 'dana', 'director_hassan', 'amina_author'],
  'rafa-sheet': ['dana', 'sam_circdesk', 'teenservices_tova'],
  'kwame-sheet': ['dr_whitfield', 'wanjiru_k', 'grace_msw'],
  'lea-st': ['grace_msw', 'dr_whitfield', 'schoolsw_jordan'],
  'grace-lea': ['msw_student_lea'],
  genre: ['ellen_k12', 'lis_student_maya', 'prof_lin', 'principal_pat', 'mrs_h_reads', 'anjali_reads', 'bookcartbrian'],
  'genre-3': ['mslibrarian', 'ellen_k12', 'prof_lin'],
  'genre-4': ['mslibrarian', 'lis_student_maya'],
  'pat-visit': ['mslibrarian', 'dana', 'ellen_k12'],
  'hana-writeup': ['coach_emeka', 'mr_tanaka', 'mr_adeyemi'],
  'tunde-headline': ['mr_tanaka', 'hana_edtech', 'coach_emeka', 'dr_amara'],
  'amara-dotorg': ['oer_oliver', 'researcher_ines'],
  'jordan-calm': ['mr_tanaka', 'mslibrarian', 'ms_oconnor', 'principal_pat', 'grace_msw'],
  'amina-visit': ['anjali_reads', 'jamie_writes', 'mslibrarian'],
  'aoife-circle': ['mrs_h_reads', 'schoolsw_jordan', 'marcus_storytime'],
  'grace-video': ['fiona_telehealth', 'dr_whitfield', 'msw_student_lea'],
  'marcus-video': ['grace_msw', 'ms_oconnor'],
  'sofia-club': ['mr_tanaka', 'bookcartbrian'],
  'jamie-drop': ['sam_circdesk', 'teenservices_tova', 'mslibrarian'],
  'sam-cray': ['jamie_writes', 'teenservices_tova', 'youth_coord_rafa', 'director_hassan'],
  'ellen-update': ['dana', 'director_hassan', 'sam_circdesk', 'jamie_writes', 'mslibrarian', 'principal_pat', 'prof_lin'],
  'maya-first': ['prof_lin', 'mslibrarian', 'diego_lis'],
  'ines-preprint': ['wanjiru_k', 'dr_amara', 'dr_whitfield'],
  'tova-parents': ['jamie_writes', 'sam_circdesk'],
  'priya-oer': ['oer_oliver', 'dr_amara', 'ngaio'],
  'emeka-one': ['hana_edtech', 'mr_adeyemi', 'principal_pat'],
  'whit-summary': ['grace_msw', 'msw_student_lea', 'schoolsw_jordan'],
  'jordan-list': ['mslibrarian', 'mr_tanaka', 'grace_msw'],
  'rosa-chart': ['lis_student_maya', 'ellen_k12', 'principal_pat', 'mrs_h_reads'],
  'brian-film': ['mr_tanaka', 'diego_lis'],
  'hassan-display': ['ellen_k12', 'jamie_writes', 'sam_circdesk'],
  'aoife-q': ['mrs_h_reads', 'marcus_storytime'],
  'diego-repair': ['lukas_bib', 'bookcartbrian'],
  'grace-thanks': ['dana', 'teenservices_tova', 'priya_ps', 'marcus_storytime'],
  'tova-keychain': ['jamie_writes'],
};

/** Posts featured on their author's profile. */
export const PINS: Array<{ by: string; post: string }> = [
  { by: 'dana', post: 'welcome' },
  { by: 'mslibrarian', post: 'genre' },
];

/** Lists, made before the posts so their timelines fill as the posts arrive. */
export const LISTS: Array<{ owner: string; name: string; description: string; visibility: 'public' | 'private'; members: string[] }> = [
  {
    owner: 'youth_coord_rafa',
    name: 'Public librarians',
    description: 'The public library people I learn from: teens, storytime, outreach, digital help and makerspaces.',
    visibility: 'public',
    members: ['teenservices_tova', 'marcus_storytime', 'ngaio', 'priya_ps', 'lukas_bib', 'sam_circdesk', 'director_hassan'],
  },
  {
    owner: 'grace_msw',
    name: 'Child welfare research',
    description: 'Practice, research and ethics reading for supervision.',
    visibility: 'private',
    members: ['dr_whitfield', 'kwame_sw', 'fiona_telehealth', 'schoolsw_jordan', 'researcher_ines', 'msw_student_lea'],
  },
  {
    owner: 'mslibrarian',
    name: 'School library advocacy',
    description: 'Librarians, leaders and authors making the case for school libraries.',
    visibility: 'public',
    members: ['ellen_k12', 'principal_pat', 'dana', 'anjali_reads', 'bookcartbrian', 'mr_tanaka', 'prof_lin', 'jamie_writes'],
  },
];

/** Preview cards for the fictional pages the posts link to. */
export const LINK_CARDS: Record<string, { title: string; description: string; siteName: string }> = {
  'https://scholcomm.example.org/oer-licence-flowchart': {
    title: 'Can I adapt this? A one-page licence flowchart',
    description:
      'From “free to read” to “free to remix”: which Creative Commons licences let you adapt teaching materials, and what to check first.',
    siteName: 'Southern Cross Scholarly Communications',
  },
  'https://lakeside.example.org/policies/reconsideration': {
    title: 'Request for reconsideration of library materials',
    description: 'How Lakeside Public Library reviews a challenge to a book, and the board’s statement on the freedom to read.',
    siteName: 'Lakeside Public Library',
  },
  'https://harbourview.example.org/podcast/episode-12': {
    title: 'Episode 12: Where did this photo come from?',
    description: 'Three students trace a viral photo back to its source, one reverse image search at a time.',
    siteName: 'Harbourview News Literacy Podcast',
  },
  'https://lakeside.example.org/digital-navigators/training': {
    title: 'Digital navigators: training and privacy script',
    description: 'Slides and the short script our navigators use when they help people join a telehealth appointment.',
    siteName: 'Lakeside Public Library',
  },
  'https://blog.example.org/rosa/genrefication-year-one': {
    title: 'Genrefication, year one: the honest version',
    description: 'What worked, what I would do differently, and the spreadsheet that moved 9,000 books in four weeks.',
    siteName: 'Rosa reads',
  },
  'https://learning.example.org/hana/reading-level-tools': {
    title: 'We tested five AI reading-level tools',
    description: 'How we compared them, what they got wrong, and the privacy questions that decided it.',
    siteName: 'Digital learning notes',
  },
  'https://totally-real-science.example.org': {
    title: 'Totally Real Science',
    description: 'Ten amazing facts doctors do not want you to know!',
    siteName: 'totally-real-science.example.org',
  },
  'https://riverside.example.org/storytime/video-songs': {
    title: 'Ten songs that work on a video call',
    description: 'Action songs for babies and toddlers, with the movements written out.',
    siteName: 'Riverside Branch Library',
  },
  'https://preprints.example.org/carvalho/learning-in-public': {
    title: 'Learning in public: how librarians and social workers learn from each other online',
    description: 'A study of professional learning networks across two professions.',
    siteName: 'Preprints',
  },
  'https://lakeside.example.org/open/digital-literacy': {
    title: 'Digital literacy course materials (CC BY)',
    description: 'Email, video calls and spotting scams: editable slides and handouts for library classes.',
    siteName: 'Lakeside Public Library',
  },
  'https://socialwork.example.org/macrosw/case-notes': {
    title: '#MacroSW: Who owns the case note?',
    description: 'A summary of the chat on client access to records, case-management apps and consent, with a reading list.',
    siteName: 'School of Social Work, Lakeshore University',
  },
  'https://harbourview.example.org/wellbeing/staff-reading-list': {
    title: 'Supporting students at risk: a reading list for staff',
    description: 'Books and local helplines, reviewed by our school nurse and social worker.',
    siteName: 'Harbourview School District',
  },
  'https://lakeside.example.org/blog/blind-date-with-a-banned-book': {
    title: 'Blind date with a banned book',
    description: 'Our display for Banned Books Week, and what people borrowed.',
    siteName: 'Lakeside Public Library',
  },
  'https://greenwood.example.org/library/new-to-school': {
    title: 'New to school, new to English: picture books',
    description: 'Books for children starting school in a language they do not speak at home.',
    siteName: 'Greenwood International School Library',
  },
};

// ---- checking -------------------------------------------------------------------------------

const HANDLES = new Set(DEMO_MEMBERS.map((m) => m.handle));

/** Milliseconds before the load that "3d 4h 20m" means. */
export function agoMs(ago: string): number {
  const match = /^(\d+)d(?: (\d+)h)?(?: (\d+)m)?$/.exec(ago);
  if (!match) throw new Error(`demo time "${ago}" is not like "3d 4h 20m"`);
  return ((Number(match[1]) * 24 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 60_000;
}

/** The audience of a post: its own, or that of the post it answers. */
function audience(post: DemoPost, byKey: Map<string, DemoPost>): Visibility {
  return post.visibility ?? (post.replyTo ? audience(byKey.get(post.replyTo)!, byKey) : 'public');
}

/**
 * Checks the tables before anything is written, so a mistake in them stops the load with an
 * error naming the row instead of leaving half a community behind.
 */
export function checkDemoSocial(): void {
  const fail = (message: string) => {
    throw new Error(`demo social data: ${message}`);
  };
  const member = (handle: string, where: string) => {
    if (!HANDLES.has(handle)) fail(`${where}: there is no demo member @${handle}`);
  };
  for (const handle of [...LOCKED, ...PENDING.flat()]) member(handle, 'LOCKED/PENDING');
  for (const [who, followees] of Object.entries(FOLLOWS)) {
    member(who, 'FOLLOWS');
    if (followees.length < 5 || followees.length > 15) fail(`@${who} follows ${followees.length} people (5 to 15)`);
    if (new Set(followees).size !== followees.length) fail(`@${who} follows someone twice`);
    for (const f of followees) {
      member(f, `FOLLOWS of @${who}`);
      if (f === who) fail(`@${who} follows themselves`);
    }
  }
  for (const handle of HANDLES) {
    if (!FOLLOWS[handle]) fail(`@${handle} follows no one`);
    if (!Object.values(FOLLOWS).some((list) => list.includes(handle))) fail(`no one follows @${handle}`);
  }
  for (const [who, whom] of PENDING) {
    if (!LOCKED.includes(whom) || !FOLLOWS[who]?.includes(whom))
      fail(`the pending request @${who} → @${whom} needs a follow of a locked account`);
  }
  for (const [who, tags] of Object.entries(HASHTAG_FOLLOWS)) {
    member(who, 'HASHTAG_FOLLOWS');
    for (const tag of tags) if (!/^[A-Za-z]+$/.test(tag)) fail(`@${who} follows "${tag}", which is not a hashtag name`);
  }

  const byKey = new Map<string, DemoPost>();
  const at = new Map<string, number>();
  let previous = Infinity;
  for (const [index, post] of POSTS.entries()) {
    const where = `post ${index + 1} (${post.key ?? post.text.slice(0, 30)})`;
    member(post.by, where);
    const ago = agoMs(post.ago);
    if (ago > 14 * 86_400_000 || ago <= 0) fail(`${where} is not within the last 14 days`);
    if (ago >= previous) fail(`${where} is not in chronological order`);
    previous = ago;
    if (post.text.length > 500) fail(`${where} is longer than 500 characters`);
    const parsed = parseText(post.text);
    for (const m of parsed.mentions) member(m.handle, `${where} mentions`);
    for (const url of parsed.urls) {
      if (!/(^|\.)example\.org$/.test(new URL(url).hostname)) fail(`${where} links outside example.org: ${url}`);
      if (!LINK_CARDS[url]) fail(`${where} links to ${url}, which has no preview card in LINK_CARDS`);
    }
    if (post.replyTo) {
      const parent = byKey.get(post.replyTo);
      if (!parent) fail(`${where} answers "${post.replyTo}", which is not an earlier post`);
    }
    if (audience(post, byKey) === 'direct' && parsed.mentions.length === 0) fail(`${where} is direct but mentions no one`);
    if (post.key) {
      if (byKey.has(post.key)) fail(`two posts are called "${post.key}"`);
      byKey.set(post.key, post);
      at.set(post.key, ago);
    }
  }
  for (const boost of BOOSTS) {
    const post = byKey.get(boost.post);
    if (!post) fail(`a boost names the unknown post "${boost.post}"`);
    member(boost.by, `boost of ${boost.post}`);
    if (!isBoostable(audience(post!, byKey))) fail(`"${boost.post}" is not public, so it cannot be boosted`);
    if (agoMs(boost.ago) >= at.get(boost.post)!) fail(`@${boost.by} boosts "${boost.post}" before it was posted`);
  }
  for (const [key, people] of Object.entries(LIKES)) {
    if (!byKey.has(key)) fail(`likes name the unknown post "${key}"`);
    for (const who of people) member(who, `likes of ${key}`);
    if (new Set(people).size !== people.length) fail(`someone likes "${key}" twice`);
  }
  for (const pin of PINS) if (byKey.get(pin.post)?.by !== pin.by) fail(`@${pin.by} can only feature their own post, not "${pin.post}"`);
  for (const list of LISTS) for (const who of [list.owner, ...list.members]) member(who, `list ${list.name}`);
}

// ---- loading --------------------------------------------------------------------------------

export interface DemoSocialSummary {
  posts: number;
  follows: number;
  lists: number;
}

type Event =
  | { at: number; kind: 'post'; post: DemoPost }
  | { at: number; kind: 'boost'; by: string; post: string }
  | { at: number; kind: 'like'; by: string; post: string };

/** Adds the social content for the demo members just created (see checkDemoSocial). */
export async function loadDemoSocial(services: Services, members: MemberWithActor[]): Promise<DemoSocialSummary> {
  const { social } = services;
  const db = services.database.db;
  const start = Date.now();
  const viewers = new Map<string, Viewer>(
    members.map((m) => [
      m.actor.handle,
      {
        memberId: m.id,
        actorId: m.actor_id,
        handle: m.actor.handle,
        displayName: m.actor.display_name,
        avatarUrl: m.actor.avatar_url,
        isAdmin: m.is_admin === 1,
        timeZone: m.time_zone,
      },
    ]),
  );
  const as = (handle: string) => viewers.get(handle)!;

  // Who follows whom, before anything is posted, so every post reaches its readers' timelines.
  for (const handle of LOCKED) await social.graph.setLocked(as(handle), true);
  let follows = 0;
  for (const [who, followees] of Object.entries(FOLLOWS)) {
    for (const whom of followees) {
      await social.graph.follow(as(who), whom);
      follows++;
    }
  }
  for (const handle of LOCKED) {
    const waiting = PENDING.filter(([, whom]) => whom === handle).map(([who]) => who);
    for (const requester of await social.graph.followRequests(as(handle))) {
      if (!waiting.includes(requester.handle)) await social.graph.answerRequest(as(handle), requester.acct, true);
    }
  }
  for (const [who, tags] of Object.entries(HASHTAG_FOLLOWS)) {
    for (const tag of tags) await social.graph.followHashtag(as(who), tag);
  }
  for (const list of LISTS) {
    const created = await social.lists.create(as(list.owner), {
      name: list.name,
      description: list.description,
      visibility: list.visibility,
    });
    for (const who of list.members) await social.lists.add(as(list.owner), created.id, who);
  }

  // The preview cards of the fictional pages, ready before the posts that link to them.
  const cardIds = new Map<string, number>();
  for (const [url, card] of Object.entries(LINK_CARDS)) {
    const row = await db
      .insertInto('link_cards')
      .values({
        url,
        title: card.title,
        description: card.description,
        image_url: null,
        site_name: card.siteName,
        status: 'ok',
        fetched_at: start,
      })
      .onConflict((oc) =>
        oc
          .column('url')
          .doUpdateSet({ title: card.title, description: card.description, site_name: card.siteName, status: 'ok', fetched_at: start }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    cardIds.set(url, row.id);
  }

  // Posts, boosts and likes, in the order they happen.
  const byKey = new Map(POSTS.flatMap((p) => (p.key ? [[p.key, p] as const] : [])));
  const postAt = new Map(POSTS.map((p) => [p, start - agoMs(p.ago)]));
  const events: Event[] = [
    ...POSTS.map((post) => ({ at: postAt.get(post)!, kind: 'post' as const, post })),
    ...BOOSTS.map((b) => ({ at: start - agoMs(b.ago), kind: 'boost' as const, by: b.by, post: b.post })),
    ...Object.entries(LIKES).flatMap(([key, people]) =>
      people.map((by, i) => ({
        // Likes trickle in every 26 minutes after the post, never later than a minute ago.
        at: Math.min(postAt.get(byKey.get(key)!)! + (i + 1) * 26 * 60_000, start - (people.length - i) * 60_000),
        kind: 'like' as const,
        by,
        post: key,
      })),
    ),
  ].sort((a, b) => a.at - b.at);

  const ids = new Map<string, number>();
  const created: number[] = [];
  let chart: Uint8Array | undefined;
  for (const event of events) {
    if (event.kind === 'post') {
      const { post } = event;
      const uploads = post.image ? [{ bytes: (chart ??= await circulationChart()), alt: post.image.alt }] : [];
      const view = await social.posts.create(
        as(post.by),
        {
          text: post.text,
          contentWarning: post.cw,
          visibility: audience(post, byKey),
          replyToId: post.replyTo ? ids.get(post.replyTo) : undefined,
        },
        uploads,
        { at: event.at },
      );
      created.push(view.id);
      if (post.key) ids.set(post.key, view.id);
      const url = parseText(post.text).urls[0];
      if (url)
        await db
          .updateTable('posts')
          .set({ card_id: cardIds.get(url)! })
          .where('id', '=', view.id)
          .execute();
    } else if (event.kind === 'boost') {
      const viewer = as(event.by);
      const postId = ids.get(event.post)!;
      await social.posts.boost(viewer, postId);
      await db
        .updateTable('posts')
        .set({ created_at: event.at })
        .where('boost_of_id', '=', postId)
        .where('actor_id', '=', viewer.actorId)
        .execute();
    } else {
      const viewer = as(event.by);
      const postId = ids.get(event.post)!;
      await social.posts.like(viewer, postId);
      await db
        .updateTable('likes')
        .set({ created_at: event.at })
        .where('post_id', '=', postId)
        .where('actor_id', '=', viewer.actorId)
        .execute();
    }
  }
  for (const pin of PINS) await social.posts.pin(as(pin.by), ids.get(pin.post)!);

  await settleTimes(services, start);
  return { posts: created.length, follows, lists: LISTS.length };
}

/**
 * Moves what the services stamped "now" to when it happens in the story: follows over the day
 * before the first post, notifications to the moment of what they announce. Notifications
 * older than two days are read, as a member who visits now and then would have left them.
 */
async function settleTimes(services: Services, start: number): Promise<void> {
  const db = services.database.db;
  const since = start - 15 * 86_400_000;
  // Ids rise with creation order, so each follow gets its own moment, four minutes apart.
  const first = await db
    .selectFrom('follows')
    .select((eb) => eb.fn.min('id').as('id'))
    .where('created_at', '>=', start)
    .executeTakeFirst();
  await db
    .updateTable('follows')
    .set({ created_at: sql`cast(${since} as bigint) + (id - cast(${Number(first?.id ?? 0)} as bigint)) * 240000` })
    .where('created_at', '>=', start)
    .execute();
  // A request left waiting was sent yesterday.
  for (const [who, whom] of PENDING) {
    await db
      .updateTable('follows')
      .set({ created_at: start - 86_400_000 })
      .where('follower_id', 'in', (eb) => eb.selectFrom('actors').select('id').where('acct', '=', who))
      .where('followee_id', 'in', (eb) => eb.selectFrom('actors').select('id').where('acct', '=', whom))
      .execute();
  }
  const fresh = (kinds: Array<'follow' | 'follow_request' | 'reply' | 'mention' | 'like' | 'boost'>) =>
    db.updateTable('notifications').where('created_at', '>=', start).where('kind', 'in', kinds);
  await fresh(['follow', 'follow_request'])
    .set({
      created_at: sql`coalesce((select f.created_at from follows f join members m on m.actor_id = f.followee_id
        where f.follower_id = notifications.actor_id and m.id = notifications.member_id), cast(${since} as bigint))`,
    })
    .execute();
  await fresh(['reply', 'mention'])
    .set({ created_at: sql`(select p.created_at from posts p where p.id = notifications.post_id)` })
    .execute();
  await fresh(['like'])
    .set({
      created_at: sql`(select l.created_at from likes l where l.post_id = notifications.post_id and l.actor_id = notifications.actor_id)`,
    })
    .execute();
  await fresh(['boost'])
    .set({
      created_at: sql`(select b.created_at from posts b where b.boost_of_id = notifications.post_id and b.actor_id = notifications.actor_id)`,
    })
    .execute();
  await db
    .updateTable('notifications')
    .set({ read_at: sql`created_at + 3600000` })
    .where('created_at', '<', start - 2 * 86_400_000)
    .where('read_at', 'is', null)
    .execute();
  // The cards came with the demo: their background fetches would only fetch them again.
  await db.deleteFrom('jobs').where('kind', '=', 'social.card').where('created_at', '>=', start).execute();
}

/** Rosa's chart: fiction checkouts per month, last school year (grey) and this one (blue). */
export const CHART_DATA = {
  months: ['Sep', 'Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar'],
  lastYear: [1120, 1180, 1090, 860, 1150, 1130, 1100],
  thisYear: [1540, 1630, 1500, 1190, 1590, 1560, 1520],
};

async function circulationChart(): Promise<Uint8Array> {
  const width = 800;
  const height = 450;
  const base = 400;
  const scale = 340 / 1700;
  const bars = CHART_DATA.months
    .map((_, i) => {
      const x = 70 + i * 100;
      const last = CHART_DATA.lastYear[i]! * scale;
      const now = CHART_DATA.thisYear[i]! * scale;
      return `<rect x="${x}" y="${base - last}" width="36" height="${last}" fill="#9aa5b1"/><rect x="${x + 40}" y="${base - now}" width="36" height="${now}" fill="#1d5c80"/>`;
    })
    .join('');
  const grid = [0, 500, 1000, 1500]
    .map((v) => `<line x1="50" x2="770" y1="${base - v * scale}" y2="${base - v * scale}" stroke="#d9dee3" stroke-width="1"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#ffffff"/>${grid}${bars}<line x1="50" x2="770" y1="${base}" y2="${base}" stroke="#333" stroke-width="2"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
