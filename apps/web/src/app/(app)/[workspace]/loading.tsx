import { LoadingState } from "@/components/ui/spinner";

export default function Loading() {
  return <LoadingState />;
}
