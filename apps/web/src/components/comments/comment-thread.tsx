"use client";

import type { RouterOutputs } from "@strata/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { LoadingState } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import {
  activeMention,
  insertMention,
  type MentionCandidate,
  matchMembers,
  mentionLabel,
  splitMentions,
} from "./mentions";

type CommentItem = RouterOutputs["comment"]["list"]["comments"][number];
export type CommentEntityType = "segment_set" | "policy";

const MAX_LENGTH = 5000;

/**
 * The comment thread of one entity (a segment set; policies later), self-contained so any page can
 * place it: the list with unread markers, @mention autocomplete of the workspace's members, editing and
 * deleting one's own comments (admins and owners may delete any). Viewing the thread marks it read up
 * to the newest comment shown; the "New" markers stay until the page is left, so they can be read.
 */
export function CommentThread({
  workspace,
  entityType,
  entityId,
  title = "Comments",
}: {
  workspace: string;
  entityType: CommentEntityType;
  entityId: string;
  title?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const thread = { workspace, entityType, entityId };
  const comments = useQuery(trpc.comment.list.queryOptions(thread));
  const members = useQuery(trpc.member.list.queryOptions({ workspace }));
  const tenant = useQuery(trpc.tenant.get.queryOptions({ workspace }));
  const canModerate = tenant.data?.role === "owner" || tenant.data?.role === "admin";

  // Which comments were unread when the page opened: marking the thread read must not hide them.
  const [unreadIds, setUnreadIds] = useState<Set<string> | null>(null);
  const markRead = useMutation(
    trpc.comment.markRead.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.comment.unreadSummary.queryKey() }),
    }),
  );
  const { mutate: mark } = markRead;
  const data = comments.data;
  useEffect(() => {
    if (!data) return;
    const unread = data.comments.filter((c) => c.isUnread);
    setUnreadIds((seen) => {
      const next = new Set(seen ?? []);
      for (const c of unread) next.add(c.id);
      return next;
    });
    const newest = data.comments.at(-1);
    if (unread.length > 0 && newest) mark({ workspace, entityType, entityId, upTo: newest.createdAt });
  }, [data, mark, workspace, entityType, entityId]);

  const invalidateThread = () =>
    queryClient.invalidateQueries({
      queryKey: trpc.comment.list.queryKey({ workspace, entityType, entityId }),
    });

  const candidates: MentionCandidate[] =
    members.data?.map((m) => ({ userId: m.userId, name: m.name, email: m.email })) ?? [];
  const emailOf = new Map(candidates.map((m) => [m.userId, m.email]));

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-6 py-4">
        <h2 id={headingId} className="text-base font-semibold text-slate-900">
          {title}
          {data ? (
            <span className="ml-2 text-sm font-normal text-slate-500">{visibleCount(data.comments)}</span>
          ) : null}
        </h2>
        {unreadIds && unreadIds.size > 0 ? <Badge tone="brand">{unreadIds.size} new</Badge> : null}
      </div>

      {comments.isPending ? <LoadingState label="Loading comments…" /> : null}
      {comments.error ? (
        <div className="space-y-3 p-6">
          <Alert tone="error" title="The comments could not be loaded">
            {toFormError(comments.error).message}
          </Alert>
          <Button variant="secondary" size="sm" onClick={() => comments.refetch()}>
            Try again
          </Button>
        </div>
      ) : null}

      {data && data.comments.length === 0 ? (
        <p className="px-6 py-8 text-center text-sm text-slate-500">
          No comments yet. Start the conversation; type @ to mention a teammate.
        </p>
      ) : null}

      {data && data.comments.length > 0 ? (
        <ol aria-label={title} className="divide-y divide-slate-100">
          {data.comments.map((comment) => (
            <CommentRow
              key={comment.id}
              workspace={workspace}
              comment={comment}
              isNew={unreadIds?.has(comment.id) ?? false}
              canDelete={comment.isOwn || canModerate}
              emailOf={emailOf}
              candidates={candidates}
              onChanged={invalidateThread}
            />
          ))}
        </ol>
      ) : null}

      {comments.isSuccess ? (
        <NewComment thread={thread} candidates={candidates} onPosted={invalidateThread} />
      ) : null}
    </section>
  );
}

function visibleCount(comments: readonly CommentItem[]): string {
  const n = comments.filter((c) => c.deletedAt === null).length;
  return `${n} comment${n === 1 ? "" : "s"}`;
}

function CommentRow({
  workspace,
  comment,
  isNew,
  canDelete,
  emailOf,
  candidates,
  onChanged,
}: {
  workspace: string;
  comment: CommentItem;
  isNew: boolean;
  canDelete: boolean;
  emailOf: Map<string, string>;
  candidates: MentionCandidate[];
  onChanged: () => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const [isEditing, setIsEditing] = useState(false);
  const [isConfirming, setIsConfirming] = useState(false);
  const remove = useMutation(
    trpc.comment.delete.mutationOptions({
      onSuccess: async () => {
        await onChanged();
        setIsConfirming(false);
      },
    }),
  );
  const author = comment.authorName ?? "A former member";
  const isDeleted = comment.deletedAt !== null;

  return (
    <li className={isNew ? "bg-brand-50/60 px-6 py-4" : "px-6 py-4"} aria-label={`Comment by ${author}`}>
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className="text-sm font-medium text-slate-900">{author}</span>
        <time dateTime={new Date(comment.createdAt).toISOString()} className="text-xs text-slate-500">
          {formatDateTime(comment.createdAt)}
        </time>
        {comment.editedAt && !isDeleted ? (
          <span className="text-xs text-slate-500" title={`Edited ${formatDateTime(comment.editedAt)}`}>
            (edited)
          </span>
        ) : null}
        {isNew ? <Badge tone="brand">New</Badge> : null}
      </div>
      {isDeleted ? (
        <p className="mt-1 text-sm italic text-slate-400">This comment was deleted.</p>
      ) : isEditing ? (
        <EditComment
          workspace={workspace}
          comment={comment}
          candidates={candidates}
          onDone={async (changed) => {
            if (changed) await onChanged();
            setIsEditing(false);
          }}
        />
      ) : (
        <>
          <p className="mt-1 whitespace-pre-wrap break-words text-sm text-slate-800">
            {splitMentions(
              comment.body ?? "",
              comment.mentions.map((m) => ({ name: m.name, email: emailOf.get(m.userId) ?? null })),
            ).map((part, i) =>
              part.isMention ? (
                <mark key={i} className="rounded bg-brand-100 px-0.5 font-medium text-brand-800">
                  {part.text}
                </mark>
              ) : (
                <span key={i}>{part.text}</span>
              ),
            )}
          </p>
          {comment.isOwn || canDelete ? (
            <div className="mt-2 flex gap-1">
              {comment.isOwn ? (
                <Button variant="ghost" size="sm" onClick={() => setIsEditing(true)}>
                  Edit<span className="sr-only"> your comment</span>
                </Button>
              ) : null}
              {canDelete ? (
                <Button variant="danger-ghost" size="sm" onClick={() => setIsConfirming(true)}>
                  Delete<span className="sr-only"> {comment.isOwn ? "your" : `${author}'s`} comment</span>
                </Button>
              ) : null}
            </div>
          ) : null}
        </>
      )}
      <ConfirmDialog
        isOpen={isConfirming}
        onClose={() => {
          setIsConfirming(false);
          remove.reset();
        }}
        title="Delete this comment?"
        description={
          comment.isOwn
            ? "Its text is removed for everyone. The thread shows that a comment was deleted."
            : `${author}'s comment is removed for everyone. The audit log records that you deleted it.`
        }
        confirmLabel="Delete comment"
        onConfirm={() => remove.mutate({ workspace, id: comment.id })}
        isPending={remove.isPending}
        error={remove.error ? toFormError(remove.error).message : null}
      />
    </li>
  );
}

function EditComment({
  workspace,
  comment,
  candidates,
  onDone,
}: {
  workspace: string;
  comment: CommentItem;
  candidates: MentionCandidate[];
  onDone: (changed: boolean) => Promise<void>;
}) {
  const trpc = useTRPC();
  const [body, setBody] = useState(comment.body ?? "");
  const update = useMutation(trpc.comment.update.mutationOptions({ onSuccess: () => onDone(true) }));
  const error = update.error ? toFormError(update.error) : null;
  return (
    <form
      className="mt-2 space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        update.mutate({ workspace, id: comment.id, data: { body } });
      }}
    >
      <MentionTextarea
        label="Edit your comment"
        value={body}
        onChange={setBody}
        candidates={candidates}
        error={error?.fieldErrors["data"] ?? error?.message}
        onSubmitShortcut={() => update.mutate({ workspace, id: comment.id, data: { body } })}
      />
      <div className="flex gap-2">
        <Button type="submit" size="sm" isLoading={update.isPending} disabled={body.trim() === ""}>
          Save
        </Button>
        <Button variant="secondary" size="sm" onClick={() => onDone(false)} disabled={update.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function NewComment({
  thread,
  candidates,
  onPosted,
}: {
  thread: { workspace: string; entityType: CommentEntityType; entityId: string };
  candidates: MentionCandidate[];
  onPosted: () => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const [body, setBody] = useState("");
  const create = useMutation(
    trpc.comment.create.mutationOptions({
      onSuccess: async () => {
        setBody("");
        await onPosted();
      },
    }),
  );
  const error = create.error ? toFormError(create.error) : null;
  const submit = () => {
    if (body.trim() !== "" && !create.isPending) create.mutate({ ...thread, body });
  };
  return (
    <form
      className="space-y-2 border-t border-slate-100 px-6 py-4"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <MentionTextarea
        label="Add a comment"
        placeholder="Write a comment. Type @ to mention a teammate."
        value={body}
        onChange={setBody}
        candidates={candidates}
        error={error?.fieldErrors.body ?? error?.message}
        onSubmitShortcut={submit}
      />
      <div className="flex items-center justify-between gap-3">
        <p className="text-xs text-slate-500">
          Ctrl+Enter to post. Only members of this workspace can be mentioned.
        </p>
        <Button type="submit" size="sm" isLoading={create.isPending} disabled={body.trim() === ""}>
          Post comment
        </Button>
      </div>
    </form>
  );
}

/**
 * A textarea with an @mention menu (ARIA combobox): typing `@` and letters lists matching members;
 * Arrow keys move, Enter or Tab picks, Escape closes. The mention is written as the member's name
 * (their email when two members share it), which the server resolves to the member.
 */
function MentionTextarea({
  label,
  placeholder,
  value,
  onChange,
  candidates,
  error,
  onSubmitShortcut,
}: {
  label: string;
  placeholder?: string;
  value: string;
  onChange: (value: string) => void;
  candidates: MentionCandidate[];
  error?: string | undefined;
  onSubmitShortcut: () => void;
}) {
  const id = useId();
  const listId = `${id}-mentions`;
  const errorId = `${id}-error`;
  const ref = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [isDismissed, setIsDismissed] = useState(false);
  const mention = activeMention(value, caret);
  const options = mention && !isDismissed ? matchMembers(candidates, mention.query) : [];
  const isOpen = options.length > 0;
  const highlighted = Math.min(active, options.length - 1);

  const pick = (member: MentionCandidate) => {
    if (!mention) return;
    const next = insertMention(value, mention.start, caret, mentionLabel(member, candidates));
    onChange(next.text);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (isOpen) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((highlighted + step + options.length) % options.length);
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        const member = options[highlighted];
        if (member) pick(member);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        setIsDismissed(true);
        return;
      }
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmitShortcut();
    }
  };

  return (
    <div className="relative">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <textarea
        ref={ref}
        id={id}
        value={value}
        placeholder={placeholder}
        rows={3}
        maxLength={MAX_LENGTH}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={isOpen}
        aria-controls={listId}
        aria-activedescendant={isOpen ? `${listId}-${highlighted}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => {
          onChange(event.target.value);
          setCaret(event.target.selectionStart);
          setIsDismissed(false);
          setActive(0);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onBlur={() => setIsDismissed(true)}
        onFocus={() => setIsDismissed(false)}
        className={
          "block w-full resize-y rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm " +
          "placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100 " +
          (error ? "border-red-500" : "border-slate-300")
        }
      />
      <div
        id={listId}
        role="listbox"
        aria-label="Members to mention"
        hidden={!isOpen}
        className="absolute left-0 z-20 mt-1 max-h-60 w-72 overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
      >
        {options.map((member, index) => (
          <div
            key={member.userId}
            id={`${listId}-${index}`}
            role="option"
            // Options are pointed at by aria-activedescendant; focus stays in the textarea.
            tabIndex={-1}
            aria-selected={index === highlighted}
            // Keep the textarea focused: picking happens on mousedown, before the blur.
            onMouseDown={(event) => {
              event.preventDefault();
              pick(member);
            }}
            className={
              index === highlighted
                ? "cursor-pointer bg-brand-50 px-3 py-2 text-sm"
                : "cursor-pointer px-3 py-2 text-sm hover:bg-slate-50"
            }
          >
            <span className="block font-medium text-slate-900">{member.name || member.email}</span>
            <span className="block text-xs text-slate-500">{member.email}</span>
          </div>
        ))}
      </div>
      {error ? (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
