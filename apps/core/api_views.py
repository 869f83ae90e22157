from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.models import Category
from apps.core.rubric import rubric_items
from apps.core.selectors import category_list


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Category
        fields = ["id", "code", "name"]


class CategoryListView(APIView):
    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request):
        return Response(CategorySerializer(category_list(), many=True).data)


class RubricView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "RubricItem",
            {"code": serializers.CharField(), "name": serializers.CharField(), "weight": serializers.IntegerField()},
            many=True,
        )
    )
    def get(self, request):
        return Response(rubric_items())
