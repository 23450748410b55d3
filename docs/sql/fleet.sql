-- playhead's fleet figures over Segment-style warehouse tables: one table per event
-- (video_playback_started, ...), each property a snake_case column (session_id, asset_id,
-- video_player, exit_reason, startup_time, ...). Standard SQL with window functions; the one
-- dialect-specific expression is `extract(epoch from timestamp)`, seconds since the epoch
-- (see the table in the docs for your warehouse). Drop the `union all` line of an event
-- table your warehouse does not have (no session ever sent that event).
create view session_figures as
with video_events as (
  select session_id, coalesce(user_id, anonymous_id) as viewer,
         extract(epoch from timestamp) as ts, 'playback_started' as kind,
         video_player as video_player, cast(null as varchar(255)) as asset_id,
         cast(null as varchar(255)) as exit_reason, cast(null as integer) as startup_time
    from video_playback_started
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'content_started', null, asset_id, null, null from video_content_started
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'content_playing', null, null, null, null from video_content_playing
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'content_completed', null, null, null, null from video_content_completed
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'ad_started', null, null, null, null from video_ad_started
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'ad_playing', null, null, null, null from video_ad_playing
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'ad_completed', null, null, null, null from video_ad_completed
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'paused', null, null, null, null from video_playback_paused
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'resumed', null, null, null, null from video_playback_resumed
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'interrupted', null, null, null, null from video_playback_interrupted
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'buffer_started', null, null, null, null from video_playback_buffer_started
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'buffer_completed', null, null, null, null from video_playback_buffer_completed
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'seek_started', null, null, null, null from video_playback_seek_started
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'seek_completed', null, null, null, null from video_playback_seek_completed
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'completed', null, null, null, null from video_playback_completed
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'exited', null, null, exit_reason, null from video_playback_exited
  union all select session_id, coalesce(user_id, anonymous_id), extract(epoch from timestamp),
         'quality', null, null, null, startup_time from video_quality_updated
),
-- Each event says what the session does next, until its next event (quality updates change
-- nothing): the bands of the session pictures, without their refinements.
-- At one instant a heartbeat or quality update comes before what changes the state.
ordered as (
  select video_events.*,
         case when kind in ('content_playing', 'ad_playing', 'quality') then 0 else 1 end
           as step
    from video_events
),
changes as (
  select session_id, ts, kind,
         lead(ts) over (partition by session_id order by ts, step) as next_ts,
         case
           when kind in ('playback_started', 'content_completed') then 'loading'
           when kind in ('ad_started', 'ad_playing') then 'ad'
           when kind = 'paused' then 'paused'
           when kind = 'interrupted' then 'interrupted'
           when kind = 'buffer_started' then 'stalled'
           when kind = 'seek_started' then 'seeking'
           when kind in ('completed', 'exited') then 'ended'
           else 'playing'
         end as state
    from ordered
   where kind <> 'quality'
),
times as (
  select session_id,
         sum(case when state = 'stalled' then next_ts - ts else 0 end) as stalled_s,
         sum(case when state in ('playing', 'ad', 'stalled') then next_ts - ts else 0 end)
           as watched_s
    from changes
   where next_ts is not null
   group by session_id
),
ranked as (
  select session_id, kind, asset_id, startup_time,
         row_number() over (partition by session_id, kind order by ts) as nth_of_kind,
         row_number() over (partition by session_id order by ts desc, step desc) as from_last
    from ordered
),
firsts as (
  select session_id,
         max(viewer) as viewer,
         max(video_player) as video_player,
         min(case when kind = 'playback_started' then ts end) as started_ts,
         min(case when kind in ('content_started', 'ad_started') then ts end) as first_item_ts,
         max(case when kind = 'completed' then 1 else 0 end) as completed,
         max(case when kind = 'exited' and exit_reason = 'idle_timeout' then 1 else 0 end)
           as idle_ended,
         max(case when kind = 'exited' then 1 else 0 end) as exited
    from video_events
   group by session_id
)
select f.session_id,
       f.viewer,
       coalesce(content.asset_id, '(unknown)') as content,
       coalesce(f.video_player, '(unknown)') as video_player,
       coalesce(quality.startup_time, round((f.first_item_ts - f.started_ts) * 1000))
         as startup_ms,
       case when t.watched_s > 0 then t.stalled_s / t.watched_s else 0 end as rebuffer_ratio,
       coalesce(t.stalled_s, 0) as stalled_s,
       case
         when f.completed = 1 then 'completed'
         when f.idle_ended = 1 then 'idle-ended'
         when f.exited = 1 then 'exited'
         when last_word.kind = 'interrupted' then 'interrupted'
         else 'open'
       end as outcome
  from firsts f
  left join times t on t.session_id = f.session_id
  left join ranked content
    on content.session_id = f.session_id and content.kind = 'content_started'
   and content.nth_of_kind = 1
  left join (select session_id, startup_time,
                    row_number() over (partition by session_id order by nth_of_kind) as nth
               from ranked where kind = 'quality' and startup_time is not null) quality
    on quality.session_id = f.session_id and quality.nth = 1
  left join (select session_id, kind,
                    row_number() over (partition by session_id order by from_last) as nth
               from ranked where kind <> 'quality') last_word
    on last_word.session_id = f.session_id and last_word.nth = 1;

-- Sessions, viewers and the outcome mix.
select count(*) as sessions, count(distinct viewer) as viewers,
       sum(case when outcome = 'completed' then 1 else 0 end) as completed,
       sum(case when outcome = 'exited' then 1 else 0 end) as exited,
       sum(case when outcome = 'idle-ended' then 1 else 0 end) as idle_ended,
       sum(case when outcome = 'interrupted' then 1 else 0 end) as interrupted,
       sum(case when outcome = 'open' then 1 else 0 end) as open
  from session_figures;

-- Median and p95 (nearest rank) of the startup time, per content item. Drop `content` (and
-- its partition) for the whole fleet, use `video_player` for per player, `rebuffer_ratio`
-- for the rebuffer ratio.
select content,
       avg(case when 2 * rn >= n and 2 * rn <= n + 2 then startup_ms end) as median_ms,
       min(case when 100 * rn >= 95 * n then startup_ms end) as p95_ms
  from (select content, startup_ms,
               row_number() over (partition by content order by startup_ms) as rn,
               count(*) over (partition by content) as n
          from session_figures
         where startup_ms is not null) ranked_startups
 group by content
 order by content;

-- The rebuffer ratio's histogram (the startup time's is the same with its buckets).
select case
         when rebuffer_ratio = 0 then '0 none'
         when rebuffer_ratio < 0.005 then '1 under 0.5 %'
         when rebuffer_ratio < 0.01 then '2 0.5-1 %'
         when rebuffer_ratio < 0.02 then '3 1-2 %'
         when rebuffer_ratio < 0.05 then '4 2-5 %'
         when rebuffer_ratio < 0.1 then '5 5-10 %'
         when rebuffer_ratio < 0.2 then '6 10-20 %'
         else '7 20 % or more'
       end as bucket,
       count(*) as sessions
  from session_figures
 group by 1
 order by 1;

-- The ten sessions with the worst QoE.
select session_id, viewer, content, video_player, outcome, rebuffer_ratio, stalled_s, startup_ms
  from session_figures
 order by rebuffer_ratio desc, stalled_s desc, startup_ms desc
 limit 10;
